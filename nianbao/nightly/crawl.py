"""The crawl process of ``nianbao nightly``: ``python -m nianbao.nightly.crawl`` (one Scrapy run).

The nightly job runs the spider ``annual_reports`` in this subprocess (a Twisted reactor cannot
be restarted within one process) with the project settings (``SCRAPY_SETTINGS_MODULE``) plus the
run's paths: ``NIANBAO_DB`` (the working copy), ``JOBDIR``, ``HTTPCACHE_DIR`` and ``LOG_FILE``.
It adds one extension, :class:`OutcomesFile`, which writes the per-site counts of
``crawler.outcomes.SiteOutcomes`` (what the network really answered, the pages and reports
found) with the crawl's stats to a JSON file (``NIANBAO_OUTCOMES_FILE``), flushed every few
seconds so a killed process loses little; the nightly job judges the sites from it.
Exit status: 0 when the crawl finished, 1 when it stopped early (shutdown, error).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.outcomes import SiteOutcomes
from nianbao.nightly.options import CLOSED_MARKER
from nianbao.nightly.summary import write_part

SPIDER = "annual_reports"
EXTENSION = "nianbao.nightly.crawl.OutcomesFile"
FLUSH_SECONDS = 2.0


class OutcomesFile:
    """Scrapy extension: the crawl's per-site counts (``crawler.outcomes.SiteOutcomes``) and
    stats in a JSON file, flushed every FLUSH_SECONDS while the crawl runs and when it closes;
    then the marker saying how it closed."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.outcomes = SiteOutcomes.of(crawler) or SiteOutcomes.from_crawler(crawler)
        self.finish_reason: str | None = None
        self.last_flush = 0.0
        jobdir = crawler.settings.get("JOBDIR")
        self.marker = Path(jobdir, CLOSED_MARKER) if jobdir else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutcomesFile:
        ext = cls(crawler, Path(crawler.settings["NIANBAO_OUTCOMES_FILE"]))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        for signal in (
            signals.request_reached_downloader,
            signals.response_downloaded,
            signals.item_scraped,
        ):
            crawler.signals.connect(ext.flush, signal=signal)
        return ext

    def spider_opened(self, spider: Spider) -> None:
        if self.marker is not None:
            self.marker.unlink(missing_ok=True)
        self.flush(force=True)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.finish_reason = reason
        self.outcomes.judge()
        self.flush(force=True)
        if self.marker is not None:
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.write_text(json.dumps({"reason": reason}), encoding="utf-8")

    def flush(self, *, force: bool = False, **_: Any) -> None:
        """Write the outcomes file (at most every FLUSH_SECONDS unless forced), atomically."""
        now = time.monotonic()
        if not force and now - self.last_flush < FLUSH_SECONDS:
            return
        self.last_flush = now
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        data = {"finish_reason": self.finish_reason, "sites": self.outcomes.counts, "stats": stats}
        write_part(self.path, data)


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
