"""ValidatePipeline: count every parsed report's findings in the crawl's stats.

``parsers.parse_report`` runs the checks (the same findings ``nianbao parse`` prints), so this
stage does not run them again: it makes them visible in the stats, where a run summary and the
nightly job read them. Findings stay on the report (they are stored with it); nothing is
dropped. Each finding adds to the stat ``nianbao/findings/<rule>``, and
``nianbao/findings/severity/<severity>``; a page
that could not be parsed counts as ``nianbao/findings/parse_error``, a page finding (the
parser's ``not_a_report``) under its rule; a report without any cell counts as
``nianbao/reports/without_cells``.

It also computes each report's read quality (``parsers.quality``: the checks run and passed,
the share of the format's cells read) onto ``ParsedReport.quality``, so the database writer
(``StorePipeline``; in a distributed crawl the one ``nianbao store`` process) does not run the
checks again for every report it saves.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler import stats as keys
from parsers.quality import read_quality
from pipelines.parsed import ParsedPage


class ValidatePipeline:
    """Count each report's findings (and pages without a report) in the crawl's stats; compute
    each report's read quality."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ParsedPage):
            return item
        for _ in item.parse_errors:
            self.stats.inc_value(keys.finding("parse_error"))
        for finding in item.page_findings:  # e.g. not_a_report: a page, not a report
            self.stats.inc_value(keys.finding(finding.rule))
        for parsed in item.reports:
            report = parsed.report
            parsed.quality = read_quality(report)
            if not report.has_cells:
                self.stats.inc_value(keys.REPORTS_WITHOUT_CELLS)
            for finding in report.findings:
                self.stats.inc_value(keys.finding(finding.rule))
                self.stats.inc_value(keys.finding_severity(finding.severity))
        return item
