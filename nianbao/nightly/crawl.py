"""The crawl process of ``nianbao nightly``: ``python -m nianbao.nightly.crawl`` (one Scrapy run).

The nightly job runs the spider ``annual_reports`` in this subprocess (a Twisted reactor cannot
be restarted within one process) with the project settings (``SCRAPY_SETTINGS_MODULE``) plus the
run's paths: ``NIANBAO_DB`` (the working copy), ``JOBDIR``, ``HTTPCACHE_DIR`` and ``LOG_FILE``.
It adds one extension, :class:`SiteOutcomes`, which records per site what the network really
answered — the HTTP cache answers for a site that is down with its stale copy, so items alone
cannot tell a dead site from an unchanged one — and writes it with the crawl's stats to a JSON
file (``NIANBAO_OUTCOMES_FILE``), flushed every few seconds so a killed process loses little.
Exit status: 0 when the crawl finished, 1 when it stopped early (shutdown, error).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from scrapy.utils.project import get_project_settings

from crawler.sites import load_sites
from nianbao.nightly.run import CLOSED_MARKER
from nianbao.nightly.summary import SITE_COUNTS

SPIDER = "annual_reports"
EXTENSION = "nianbao.nightly.crawl.SiteOutcomes"
FLUSH_SECONDS = 2.0


def site_prefixes(sites_csv: str | Path) -> list[tuple[str, str]]:
    """(URL prefix, site id) for attributing requests to sites, longest prefix first."""
    prefixes = []
    for site in load_sites(sites_csv):
        parts = urlsplit(site.start_url)
        directory = parts.path.rsplit("/", 1)[0] + "/"
        prefixes.append((f"{parts.scheme}://{parts.netloc}{directory}", site.id))
    return sorted(prefixes, key=lambda p: len(p[0]), reverse=True)


def site_of(url: str, prefixes: list[tuple[str, str]]) -> str | None:
    """The site a URL belongs to: longest start-URL directory prefix, else the same host."""
    for prefix, site_id in prefixes:
        if url.startswith(prefix):
            return site_id
    netloc = urlsplit(url).netloc
    for prefix, site_id in prefixes:
        if urlsplit(prefix).netloc == netloc:
            return site_id
    return None


class SiteOutcomes:
    """Scrapy extension: per site, requests sent, answers, HTTP errors, pages and reports.

    A request that got no answer at all (refused, timed out) is one sent but neither fetched
    nor an HTTP error.
    """

    def __init__(self, crawler: Crawler, path: Path, sites_csv: str | None) -> None:
        self.crawler = crawler
        self.path = path
        self.prefixes = site_prefixes(sites_csv) if sites_csv else []
        self.sites: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SITE_COUNTS, 0))
        self.finish_reason: str | None = None
        self.last_flush = 0.0
        jobdir = crawler.settings.get("JOBDIR")
        self.marker = Path(jobdir, CLOSED_MARKER) if jobdir else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteOutcomes:
        path = Path(crawler.settings["NIANBAO_OUTCOMES_FILE"])
        ext = cls(crawler, path, crawler.settings.get("NIANBAO_SITES_CSV"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)
        self.flush(force=True)

    def request_reached(self, request: Request, spider: Spider) -> None:
        self._count(request, "requests")

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        # Only answers from the network arrive here (not the HTTP cache's): 304 means "unchanged".
        ok = response.status < 400 or response.status == 304
        self._count(request, "fetched" if ok else "http_errors")

    def item_scraped(self, item: Any, response: Response, spider: Spider) -> None:
        adapter = ItemAdapter(item)
        site_id = adapter.get("site_id") or site_of(response.url, self.prefixes)
        if site_id:
            self.sites[site_id]["pages"] += 1
            if str(adapter.get("classification") or "") == "report":
                self.sites[site_id]["reports"] += 1
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason
        self.flush(force=True)
        if self.marker is not None:
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.write_text(json.dumps({"reason": reason}), encoding="utf-8")

    def _count(self, request: Request, key: str) -> None:
        site_id = request.meta.get("site_id") or site_of(request.url, self.prefixes)
        if site_id:
            self.sites[site_id][key] += 1
        self.flush()

    def flush(self, *, force: bool = False) -> None:
        """Write the outcomes file (at most every FLUSH_SECONDS unless forced), atomically."""
        now = time.monotonic()
        if not force and now - self.last_flush < FLUSH_SECONDS:
            return
        self.last_flush = now
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        data = {
            "finish_reason": self.finish_reason,
            "sites": dict(self.sites),
            "stats": {k: _jsonable(v) for k, v in stats.items()},
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nianbao.nightly.crawl", description=__doc__)
    parser.add_argument("--sites", required=True, help="sites CSV")
    parser.add_argument("--db", required=True, help="database to write (the working copy)")
    parser.add_argument("--jobdir", required=True, help="Scrapy JOBDIR (resumable state)")
    parser.add_argument("--httpcache-dir", required=True, help="persistent HTTP cache")
    parser.add_argument("--log-file", required=True, help="Scrapy LOG_FILE (appended)")
    parser.add_argument("--outcomes", required=True, help="JSON file of per-site outcomes")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one crawl; 0 when it finished, 1 when it stopped early."""
    args = build_parser().parse_args(argv)
    settings = get_project_settings()
    overrides = {
        "NIANBAO_DB": str(Path(args.db).resolve()),
        "NIANBAO_SITES_CSV": str(Path(args.sites).resolve()),
        "NIANBAO_OUTCOMES_FILE": str(Path(args.outcomes).resolve()),
        "JOBDIR": str(Path(args.jobdir).resolve()),
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_DIR": str(Path(args.httpcache_dir).resolve()),
        "LOG_FILE": str(Path(args.log_file).resolve()),
        "LOG_FILE_APPEND": True,
    }
    settings.setdict(overrides, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")
    extensions[EXTENSION] = 990
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SPIDER)
    process.crawl(crawler, sites=str(Path(args.sites).resolve()))
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    return 0 if reason == "finished" else 1


if __name__ == "__main__":
    raise SystemExit(main())
