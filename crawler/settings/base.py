"""Base settings of the nianbao crawler (spider ``annual_reports``): a good citizen by default."""

from __future__ import annotations

import os
from pathlib import Path

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

DATA_DIR = Path(os.environ.get("NIANBAO_DATA", "data")).resolve()

# ASCII only (HTTP headers): who we are and where to read about the project.
USER_AGENT = (
    "nianbao/0.1 (+https://github.com/nianbao/nianbao; government information disclosure "
    "annual reports for a public dataset)"
)
ROBOTSTXT_OBEY = True

# Politeness: few requests per portal, adaptive delays.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 60
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retries, with an exponential pause before each retry (crawler.middlewares.RetryBackoff).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NIANBAO_RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubles each time
NIANBAO_RETRY_BACKOFF_MAX = 60.0

# Focused discovery: depth from the home page and requests per portal.
DEPTH_LIMIT = 16  # home → 公开 → 乡镇 → town → 年报 column → list pages → report
DEPTH_STATS_VERBOSE = True
NIANBAO_SITE_BUDGET = 400  # requests per site (robots.txt and attachments not counted)

DOWNLOADER_MIDDLEWARES = {
    "crawler.fetcherrors.FetchErrors": 45,  # sees exceptions once retries are spent (550)
    "crawler.safety.UrlSafety": 50,  # before robots.txt: refused URLs are never requested
    "crawler.middlewares.SiteBudget": 120,  # after robots.txt (100)
    "crawler.middlewares.RetryBackoff": 560,  # after RetryMiddleware (550)
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.safety.RecordedDecompression": 590,  # the same, recording a gzip bomb it stops
    "crawler.safety.RedirectGuard": 650,  # sees responses before RedirectMiddleware (600)
}
EXTENSIONS = {
    "crawler.outcomes.SiteOutcomes": 500,  # each site's outcome (ok/no_report/down), judged once
}
SPIDER_MIDDLEWARES = {
    "crawler.safety.LinkSafety": 800,  # before OffsiteMiddleware (500): refusals recorded
    "crawler.fairness.ListFairness": 850,
}

# Hostile sites (crawler.safety, crawler.fairness): every fetch is bounded, every refusal
# recorded in the table refused_urls. Only http(s) on the site's own hosts (and the registry's
# attachment_hosts); never loopback / private / link-local addresses.
NIANBAO_ALLOW_LOOPBACK = False
DOWNLOAD_MAXSIZE = 40 * 1024 * 1024  # bytes per response, also after decompression (gzip bomb)
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
REDIRECT_MAX_TIMES = 10
NIANBAO_RETRY_AFTER_MAX = 180.0  # seconds of a Retry-After honoured before a retry
NIANBAO_LIST_PAGES = 5  # pages per list, and as many more per page that gave new reports
NIANBAO_PARSE_ISOLATED = True  # parse in a worker process (pipelines.isolation), limited:
NIANBAO_PARSE_TIMEOUT = 120.0  # seconds to parse one page with its files; then a parse_error
NIANBAO_PARSE_MEMORY_MB = 2048  # address space of the parser's worker process

# Incremental crawls: keep responses and revalidate them (ETag / Last-Modified → 304).
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "crawler.crashsafe.CrashSafeCacheStorage"  # no half entry after a kill
HTTPCACHE_DIR = str(DATA_DIR / "httpcache")
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]

# Attachments (.pdf .doc .docx .wps) of report pages.
FILES_STORE = str(DATA_DIR / "files")
MEDIA_ALLOW_REDIRECTS = True

NIANBAO_DB = str(DATA_DIR / "nianbao.db")
ITEM_PIPELINES = {
    "pipelines.attachments.AttachmentsPipeline": 100,
    "pipelines.parse.ParsePipeline": 300,
    "pipelines.validate.ValidatePipeline": 400,
    "pipelines.store.StorePipeline": 800,
}

# Headless Chromium (scrapy-playwright, Debian's chromium; never downloaded) for report-area
# pages whose list only a browser fills. Off, or without chromium: such pages are counted
# (nianbao/needs_browser) and named in the summary. crawler.browser.Browser sets it up.
NIANBAO_BROWSER = True
ADDONS = {"crawler.browser.Browser": 0}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
