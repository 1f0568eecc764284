"""Tests and benchmarks against the local mock portals: no throttling, short back-off."""

from __future__ import annotations

from crawler.settings.base import *  # noqa: F403

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 10
RETRY_TIMES = 2
NIANBAO_RETRY_BACKOFF_BASE = 0.05
NIANBAO_RETRY_BACKOFF_MAX = 0.2
NIANBAO_SITE_BUDGET = 80
TELNETCONSOLE_ENABLED = False
NIANBAO_ALLOW_LOOPBACK = True  # the mock portals listen on 127.0.0.1 (only here)
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
NIANBAO_RETRY_AFTER_MAX = 2.0
NIANBAO_PARSE_TIMEOUT = 20.0
LOG_LEVEL = "WARNING"
NIANBAO_BROWSER = False  # the browser tests turn it on (-s NIANBAO_BROWSER=True)
