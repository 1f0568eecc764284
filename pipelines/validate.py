"""ValidatePipeline: run the arithmetic checks on every parsed report and count findings.

Findings stay on the report (they are stored with it); nothing is dropped. Each finding adds
to the stat ``nianbao/findings/<rule>``, and ``nianbao/findings/severity/<severity>``; a page
that could not be parsed counts as ``nianbao/findings/parse_error``, a page finding (the
parser's ``not_a_report``) under its rule; a report without any cell counts as
``nianbao/reports/without_cells``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from parsers.findings import validate
from parsers.schema import Finding, Report
from pipelines.parsed import ParsedPage

logger = logging.getLogger(__name__)


def add_findings(report: Report, findings: list[Finding]) -> int:
    """Add the findings the report does not carry yet (same rule and keys); returns how many."""
    have = {(f.rule, tuple(f.keys)) for f in report.findings}
    added = 0
    for finding in findings:
        key = (finding.rule, tuple(finding.keys))
        if key not in have:
            report.findings.append(finding)
            have.add(key)
            added += 1
    return added


class ValidatePipeline:
    """Attach validation findings to each report and count them in the crawl's stats."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ParsedPage):
            return item
        for _ in item.parse_errors:
            self.stats.inc_value("nianbao/findings/parse_error")
        for finding in item.page_findings:  # e.g. not_a_report: a page, not a report
            self.stats.inc_value(f"nianbao/findings/{finding.rule}")
        for parsed in item.reports:
            report = parsed.report
            try:  # parse_report ran these checks already: only what is missing is added
                add_findings(report, validate(report))
            except Exception:  # a checker bug must not lose the report
                logger.exception("validation failed for %s", report.url or item.url)
                self.stats.inc_value("nianbao/validate/errors")
            if not report.has_cells:
                self.stats.inc_value("nianbao/reports/without_cells")
            for finding in report.findings:
                self.stats.inc_value(f"nianbao/findings/{finding.rule}")
                self.stats.inc_value(f"nianbao/findings/severity/{finding.severity}")
        return item
