"""ParsePipeline: read the reports on a page and in its downloaded attachments.

Pages classified ``report`` are parsed with ``parsers.parse_report``, with the verdict the
spider carried on the item (a scanned report is read as ``image_only``, not judged again);
so is every attachment in ``item.files`` (read from ``FILES_STORE``). A page or file that
fails to parse, and an attachment of ``item.file_urls`` that was not downloaded, is recorded
(the page row's ``parse_error``, a ``parse_error`` finding, the stat ``nianbao/reports/failed``) and
the crawl goes on. Parsing runs in a worker process (``parsers`` is pure), so a long PDF does
not stall the reactor; what it read is recorded back on the reactor's thread. An old Word/WPS
attachment (.doc/.wps/.rtf) is first converted to .docx by
``convert.office.prepare`` (LibreOffice, a few seconds) in a worker thread, so the reactor
keeps crawling meanwhile; stats ``nianbao/attachments/converted`` and
``nianbao/attachments/conversion_failed`` (a failure is a page ``parse_error``, like any file
that cannot be read). A page whose hash, and whose attachments' checksums, match the last crawl is
not parsed again (set ``NIANBAO_REPARSE = True`` to force it, e.g. after a parser fix).

Copies of one report (the page and its PDF) are grouped by report id; the copy with the most
reported cells is kept and every copy is listed as a source (storage's rules, as is the
incremental skip: ``storage.group_copies``, ``storage.unchanged_reports``). An attachment
of the page's year takes the page's agency (the only attachment, or one naming the same
agency), so a PDF whose signature reads 某某人民政府办公室 is still the page's report, not a
second one.

The worker process (``pipelines.isolation``; a thread when ``NIANBAO_PARSE_ISOLATED`` is off,
as in unit tests without the crawler's settings) is limited to ``NIANBAO_PARSE_TIMEOUT``
seconds and ``NIANBAO_PARSE_MEMORY_MB`` per page with its files: a hostile document past
either is the page's ``parse_error``, and the crawl goes on.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils
from scrapy.crawler import Crawler
from scrapy.utils.asyncio import run_in_thread

from convert import office
from crawler import stats as keys
from crawler.items import PageItem
from parsers import parse_report
from parsers.schema import REPORT_METADATA, Finding, Report
from parsers.verdict import Verdict
from pipelines.isolation import IsolatedParser, ParseLimitError
from pipelines.parsed import ParsedPage, ParsedReport
from storage import Source, group_copies, unchanged_reports
from storage.ids import normalise_agency

logger = logging.getLogger(__name__)

# An attachment's metadata it did not print comes from its page (its format is its own).
_INHERITED = tuple(name for name in REPORT_METADATA if name != "template")


def _not_a_report(report: Report) -> bool:
    """The parser judged this is no annual report (and read no cell from it)."""
    return not report.has_cells and any(f.rule == "not_a_report" for f in report.findings)


def _same_agency(a: Report, b: Report) -> bool:
    return normalise_agency(a.agency) == normalise_agency(b.agency)


def _parse_all(
    page: ParsedPage, files: list[tuple[dict[str, Any], bytes, str | None]]
) -> tuple[Report | Exception | None, list[tuple[Report | Exception, dict[str, Any]]]]:
    """The page's report and each file's, or the exception that stopped each (thread-safe:
    ``parsers`` is pure, and nothing here touches the crawl's stats or the page)."""
    page_result: Report | Exception | None = None
    if page.body:
        content_type = f"text/html; charset={page.encoding}" if page.encoding else "text/html"
        try:
            page_result = parse_report(
                page.body,
                url=page.url,
                content_type=content_type,
                verdict=Verdict.from_dict(page.verdict),
            )
        except Exception as exc:
            page_result = exc
    file_results: list[tuple[Report | Exception, dict[str, Any]]] = []
    for f, data, filename in files:
        try:
            file_results.append((parse_report(data, url=f.get("url"), filename=filename), f))
        except Exception as exc:
            file_results.append((exc, f))
    return page_result, file_results


def _read_only(path: str) -> sqlite_utils.Database:
    """The database at ``path`` opened read-only: its writer (the store pipeline, or the one
    writer of a distributed crawl) may be writing it, and this reader never takes the write
    lock (``open_db`` would: it refreshes the lookups, and two processes opening a database
    at once can fail with "database is locked")."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("PRAGMA busy_timeout = 10000")
    return sqlite_utils.Database(conn)


class ParsePipeline:
    """Parse report pages and their attachments into ``ParsedPage.reports``."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.files_store = settings.get("FILES_STORE")
        self.db_path = settings.get("NIANBAO_DB")
        self.reparse = settings.getbool("NIANBAO_REPARSE")
        self.db = None
        self.parser = None  # without NIANBAO_PARSE_ISOLATED: in a thread, no limits
        if settings.getbool("NIANBAO_PARSE_ISOLATED"):
            self.parser = IsolatedParser(
                settings.getfloat("NIANBAO_PARSE_TIMEOUT", 120.0),
                settings.getint("NIANBAO_PARSE_MEMORY_MB", 2048) * 1024 * 1024,
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParsePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        # Read-only use: what the last crawl stored. No database yet, nothing to skip: do not
        # create one (workers of a shared crawl starting at once raced creating it).
        if self.db_path and not self.reparse and Path(self.db_path).exists():
            self.db = _read_only(self.db_path)

    def close_spider(self) -> None:
        if self.parser is not None:
            self.parser.close()
        if self.db is not None:
            self.db.close()
            self.db = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        page = item if isinstance(item, ParsedPage) else ParsedPage.from_page(item)
        if page.classification != "report":
            return page
        known = self._known_reports(page)
        if known:
            page.unchanged = True
            page.known_reports = known
            self.stats.inc_value(keys.PAGES_SKIPPED_UNCHANGED)
            return page
        self.stats.inc_value(keys.PAGES_PARSED)
        downloaded = {f.get("url") for f in page.files}
        for url in page.file_urls:  # FilesPipeline lists only the files it could store
            if url not in downloaded:
                self._fail(page, url, FileNotFoundError("the attachment was not downloaded"))
        loaded = [await self._load(page, f) for f in page.files]
        files = [f for f in loaded if f is not None]
        # Parsing (pdfplumber on a long PDF: seconds) runs in a worker process with a time
        # and memory limit; the results are recorded back on the reactor's thread.
        try:
            if self.parser is None:
                page_result, file_results = await run_in_thread(_parse_all, page, files)
            else:
                page_result, file_results = await self.parser.run(_parse_all, page, files)
        except ParseLimitError as exc:
            self._fail(page, page.url, exc)
            return page
        self._parse_page(page, page_result, file_results)
        return page

    # --- incremental crawl ---------------------------------------------------------------

    def _known_reports(self, page: ParsedPage) -> list[str]:
        """The stored reports of ``page`` when nothing about it changed since last crawl."""
        if self.db is None:
            return []
        hashes = {f.get("url"): f.get("checksum") for f in page.files}
        return unchanged_reports(self.db, page.url, page.content_hash, hashes)

    # --- parsing ---------------------------------------------------------------------------

    def _fail(self, page: ParsedPage, where: str, exc: BaseException) -> None:
        message = f"{where}: {type(exc).__name__}: {exc}"
        logger.error("cannot parse %s", message)
        page.parse_errors.append(message)
        self.stats.inc_value(keys.REPORTS_FAILED)

    async def _load(
        self, page: ParsedPage, f: dict[str, Any]
    ) -> tuple[dict[str, Any], bytes, str | None] | None:
        """``(file, data, filename)`` of a downloaded attachment, .doc/.wps converted to .docx
        in a thread; ``None`` (the failure recorded) when it cannot be read or converted."""
        url, path = f.get("url"), f.get("path")
        try:
            data = self._read_file(path)
        except OSError as exc:
            self._fail(page, f"{url} ({path})", exc)
            return None
        if not office.needs_conversion(data, path):
            return f, data, path
        try:
            data, name = await run_in_thread(office.prepare, data, path)
        except Exception as exc:  # OfficeError: LibreOffice missing, failed or too slow
            self.stats.inc_value(keys.ATTACHMENTS_CONVERSION_FAILED)
            self._fail(page, f"{url} ({path})", exc)
            return None
        self.stats.inc_value(keys.ATTACHMENTS_CONVERTED)
        return f, data, name

    def _parse_page(
        self,
        page: ParsedPage,
        page_result: Report | Exception | None,
        file_results: list[tuple[Report | Exception, dict[str, Any]]],
    ) -> None:
        """Record what :func:`_parse_all` read: failures, page findings, grouped reports."""
        page_report: Report | None = None
        if isinstance(page_result, Exception):
            self._fail(page, page.url, page_result)
        else:
            page_report = page_result
        file_reports = []
        for result, f in file_results:
            if isinstance(result, Exception):
                self._fail(page, f"{f.get('url')} ({f.get('path')})", result)
            else:
                file_reports.append((result, f))
        if page_report is None and not file_reports and not page.parse_errors:
            page.parse_errors.append("no page body and no downloaded attachment to read")
            self.stats.inc_value(keys.REPORTS_FAILED)
        if page_report is not None and _not_a_report(page_report):
            page.page_findings.extend(f for f in page_report.findings if f.rule == "not_a_report")
            self.stats.inc_value(keys.PAGES_NOT_A_REPORT)
            page_report = None
        reports = []
        for report, f in file_reports:
            if not _not_a_report(report):
                reports.append((report, f))
                continue
            page.page_findings.extend(
                Finding(x.rule, x.severity, f"{f.get('url')}: {x.message}")
                for x in report.findings
                if x.rule == "not_a_report"
            )
            self.stats.inc_value(keys.PAGES_NOT_A_REPORT)
        page.reports = self._group(page, page_report, reports)

    def _read_file(self, path: str | None) -> bytes:
        if not path:
            raise FileNotFoundError("the attachment was not downloaded")
        if not self.files_store:
            raise FileNotFoundError("FILES_STORE is not set")
        return (Path(self.files_store) / path).read_bytes()

    def _group(
        self,
        page: ParsedPage,
        page_report: Report | None,
        file_reports: list[tuple[Report, dict[str, Any]]],
    ) -> list[ParsedReport]:
        """One ``ParsedReport`` per report id (``storage.group_copies``: the fullest copy)."""
        page_source = Source(page.url, "page", raw_hash=page.content_hash)
        copies: list[tuple[Report, list[Source]]] = []
        shell = page_report is not None and not page_report.has_cells and bool(file_reports)
        if page_report is not None and not shell:
            copies.append((page_report, [page_source]))
        for report, f in file_reports:
            for name in _INHERITED:  # an attachment rarely prints the page's metadata
                if getattr(report, name) is None:
                    fallback = getattr(page_report, name) if page_report else None
                    if name == "title" and fallback is None:
                        fallback = page.title
                    setattr(report, name, fallback)
            same_report = (
                page_report is not None
                and page_report.agency is not None
                and report.year == page_report.year
            )
            if same_report and (len(file_reports) == 1 or _same_agency(report, page_report)):
                report.agency = page_report.agency  # the page's copy: one identity, one id
            report.url = report.url or f.get("url")
            source = Source(
                f.get("url") or page.url,
                "attachment",
                page_url=page.url,
                file_path=f.get("path"),
                raw_hash=f.get("checksum"),
            )
            copies.append((report, [source, page_source] if shell else [source]))
        return [
            ParsedReport(report, sources) for report, sources in group_copies(page.site_id, copies)
        ]
