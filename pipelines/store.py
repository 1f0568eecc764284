"""StorePipeline: write sites, pages and reports to the database named by ``NIANBAO_DB``.

Each report goes through ``storage.save_report`` (one transaction each); its outcome adds to
``nianbao/reports/new|changed|unchanged``. Every page (reports and rejected look-alikes) becomes
a ``pages`` row. The crawl itself is a ``crawl_runs`` row: written ``running`` when the spider
opens, completed when it closes with the Scrapy stats, the report counts and the sites that
failed (``sites_failed``: down, or "0 reports" — a failure, not a quiet success — as
``crawler.outcomes`` judged them). When it
closes, the analysis tables (``storage.analysis``: bodies, coverage, 内容雷同) are rebuilt.

A write that fails (database locked, disk full, a constraint) is logged and counted in
``nianbao/store/errors``; the other reports go on being stored, the page is stored without
its content hash (so the next crawl parses it again), and the run ends as
``<reason>_with_errors`` (``finished_with_errors``): a run that lost data is not green.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import fields
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler import stats as keys
from crawler.items import PageItem
from crawler.outcomes import DOWN, NO_REPORT, OK, SiteOutcome, SiteOutcomes
from crawler.safety import RefusalLog
from pipelines.parsed import ParsedPage
from storage import (
    TABLES,
    mark_interrupted_runs,
    now_iso,
    open_db,
    record_run,
    record_site_crawls,
    refresh_analyses,
    report_id_for,
    save_page,
    save_report,
    save_sites,
    touch_reports,
)
from storage.refused import save_refused

logger = logging.getLogger(__name__)

LAST_STATUS = {OK: "ok", NO_REPORT: "no reports", DOWN: "down"}  # sites.last_status
PAGE_COLUMNS = frozenset(TABLES["pages"].columns)


def run_status(reason: str, store_errors: int) -> str:
    """The ``crawl_runs.status`` of a run: Scrapy's finish reason, marked when writes failed."""
    return f"{reason}_with_errors" if store_errors else reason


class StorePipeline:
    """Persist every page and report; record the crawl in ``crawl_runs``."""

    def __init__(self, crawler: Crawler, db_path: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = db_path
        self.db = None
        self.run_id: int | None = None
        self.site_pages: Counter[str] = Counter()
        self.site_reports: dict[str, set[str]] = defaultdict(set)
        self.failed_sites: list[str] = []  # once the spider closed: down, or no report

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        db_path = crawler.settings.get("NIANBAO_DB")
        if not db_path:
            raise NotConfigured("NIANBAO_DB is not set: nothing will be stored")
        pipeline = cls(crawler, db_path)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    # --- lifecycle -------------------------------------------------------------------------

    def _outcomes(self, site_ids: list[str]) -> dict[str, SiteOutcome]:
        """Each site's outcome: as the crawl's ``SiteOutcomes`` judged it, else (pipelines run
        without it: ``nianbao store``) judged by the same rule from the pages stored."""
        ext = SiteOutcomes.of(self.crawler)
        judged = ext.judge() if ext is not None else {}
        return {
            s: judged.get(s)
            or SiteOutcome(
                s, pages=self.site_pages[s], reports=len(self.site_reports.get(s, ()))
            ).judge()
            for s in site_ids
        }

    def _sites(self) -> list[Any]:
        return list(getattr(self.crawler.spider, "sites", None) or [])

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        interrupted = mark_interrupted_runs(self.db)
        if interrupted:
            logger.warning("earlier crawls %s did not finish (marked interrupted)", interrupted)
        save_sites(self.db, self._sites())
        self.run_id = record_run(self.db, spider=self.crawler.spider.name, status="running")

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.db is None:
            return
        finished = now_iso()
        site_ids = [s.id for s in self._sites()] or sorted(self.site_pages)
        outcomes = self._outcomes(site_ids)
        self.failed_sites = failed = [s for s in site_ids if outcomes[s].failed]
        found = {
            s: (self.site_pages[s], len(self.site_reports.get(s, ())), LAST_STATUS[o.status])
            for s, o in outcomes.items()
        }
        record_site_crawls(self.db, found, when=finished)
        refused = RefusalLog.of(self.crawler).refusals
        if refused:
            save_refused(self.db, [vars(r) for r in refused.values()])
        if failed:
            logger.warning("sites that gave no report: %s", ", ".join(failed))
        counts = keys.report_counts(self.stats.get_stats())
        try:  # bodies, coverage, 内容雷同: derived tables, rebuilt from all stored reports
            built = refresh_analyses(self.db)
            logger.info("analysis tables rebuilt: %s", built)
        except Exception:  # derived tables: the run's record must still be written
            self.stats.inc_value(keys.STORE_ERRORS)
            logger.exception("analysis tables not rebuilt")
        record_run(
            self.db,
            run_id=self.run_id,
            finished=finished,
            status=run_status(reason, self.stats.get_value(keys.STORE_ERRORS, 0)),
            stats=self.stats.get_stats(),
            reports=counts,
            pages=sum(self.site_pages.values()),
            sites_ok=len(site_ids) - len(failed),
            failed_sites=failed,
        )
        self.db.close()
        self.db = None

    # --- items -------------------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        page = item if isinstance(item, ParsedPage) else ParsedPage.from_page(item)
        when = now_iso()
        try:
            report_ids, complete = self._store_reports(page, when)
            row = self._page_row(page, report_ids)
            if not complete:  # a report of it was lost: parse the page again next crawl
                row["content_hash"] = None
            findings = None if page.unchanged else page.page_findings  # None: keep them
            save_page(self.db, row, findings=findings, when=when)
        except Exception:  # a write that fails is loud (log + stat), and the crawl goes on
            logger.exception("cannot store %s", page.url)
            self.stats.inc_value(keys.STORE_ERRORS)
        return item

    def _store_reports(self, page: ParsedPage, when: str) -> tuple[list[str], bool]:
        """Store the page's reports; their ids, and whether every one was written."""
        self.site_pages[page.site_id] += 1
        if page.unchanged:
            touch_reports(self.db, page.known_reports, when=when)
            self.stats.inc_value(keys.REPORTS_UNCHANGED, len(page.known_reports))
            self.site_reports[page.site_id].update(page.known_reports)
            return list(page.known_reports), True
        ids = []
        complete = True
        for parsed in page.reports:
            try:
                status = save_report(
                    self.db,
                    parsed.report,
                    site=page.site_id,
                    sources=parsed.sources,
                    checked_at=when,
                    quality=parsed.quality,
                )
            except Exception:  # one report lost (rolled back): say so, store the others
                logger.exception("cannot store report %r from %s", parsed.report.title, page.url)
                self.stats.inc_value(keys.STORE_ERRORS)
                complete = False
                continue
            self.stats.inc_value(keys.reports(status))
            rid = report_id_for(page.site_id, parsed.report)
            ids.append(rid)
            self.site_reports[page.site_id].add(rid)
        return ids, complete

    @staticmethod
    def _page_row(page: ParsedPage, report_ids: list[str]) -> dict[str, Any]:
        """The ``pages`` row: the item's fields named like a column, then what is derived."""
        return {
            **{f.name: getattr(page, f.name) for f in fields(page) if f.name in PAGE_COLUMNS},
            "site": page.site_id,
            "file_hashes": {f.get("url"): f.get("checksum") for f in page.files},
            "report_id": report_ids[0] if report_ids else None,
            "parse_error": "; ".join(page.parse_errors) or None,
        }
