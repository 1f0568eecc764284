"""The item that leaves ``ParsePipeline``: the spider's ``PageItem`` plus what parsing found."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from crawler.items import PageItem
from parsers.quality import ReadQuality
from parsers.schema import Finding, Report
from storage import Source


@dataclass
class ParsedReport:
    """One report read from a page and/or its attachments, with every place it was read from.

    ``quality`` is its read quality (``parsers.quality``), computed once by ``ValidatePipeline``
    (on a crawl worker, not in the one database writer); ``None`` until then, and the writer
    computes it itself for a report that comes without one.
    """

    report: Report
    sources: list[Source] = field(default_factory=list)
    quality: ReadQuality | None = None


@dataclass
class ParsedPage(PageItem):
    """A ``PageItem`` after ``ParsePipeline``: its reports, or why none could be read.

    A copy the parser judged ``not_a_report`` (no cells) is not a report: its finding goes to
    ``page_findings``, stored against the page.

    ``unchanged`` means the page and its attachments have the same hashes as last crawl and
    were not parsed again; ``known_reports`` then lists the stored reports found there.
    """

    reports: list[ParsedReport] = field(default_factory=list)
    parse_errors: list[str] = field(default_factory=list)
    page_findings: list[Finding] = field(default_factory=list)  # e.g. the parser's not_a_report
    unchanged: bool = False
    known_reports: list[str] = field(default_factory=list)

    @classmethod
    def from_page(cls, page: PageItem, **extra: Any) -> ParsedPage:
        """Copy every field of ``page`` (whatever fields the crawler's item has)."""
        values = {f.name: getattr(page, f.name) for f in fields(PageItem)}
        return cls(**values, **extra)
