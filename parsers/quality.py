"""How well a report's tables were read: the share of its format's cells read, checks passed.

``read_quality(report)`` gives a :class:`ReadQuality`:

- ``share`` — of the cells the detected format has (section 二's items × metrics, section 三's
  rows × the seven applicant columns, section 四's 15 cells), the share read: a number, or a
  cell printed blank (not reported is a reading too). Cells missing, unreadable (``见附件``)
  or set aside (``table_unreadable``) are not read. ``None`` for a report without a format.
- ``checks_run`` / ``checks_passed`` — the arithmetic checks of :mod:`parsers.findings` whose
  cells were all reported, and how many of them held.
- ``bucket`` — ``whole`` (every cell read, no table set aside), ``partial``, ``unreadable``
  (tables of a format, none of their cells read), ``prose`` (a report before the formats,
  figures read from its sentences) or ``none`` (no figures).
"""

from __future__ import annotations

from dataclasses import dataclass

from parsers.findings import Tally, set_aside, validate
from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OTHER_SPLIT_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    Report,
)
from parsers.values import is_blank

BUCKETS = ("whole", "partial", "unreadable", "prose", "none")


@dataclass(frozen=True, slots=True)
class ReadQuality:
    """The read-quality figure of one report (see the module doc)."""

    share: float | None
    cells_expected: int
    cells_read: int
    checks_run: int
    checks_passed: int
    bucket: str


def format_cells(report: Report) -> set[tuple[str, str, str]]:
    """The cells ``report``'s format has: (section, key1, key2)."""
    template = report.template
    if template not in ACTIVE_LAYOUT:
        return set()
    out = {
        ("active_disclosure", item, metric)
        for item, metrics in ACTIVE_LAYOUT[template].items()
        for metric in metrics
    }
    rows = list(APPLICATION_ROWS_BY_TEMPLATE[template])
    printed = {c.row for c in report.applications}
    if printed & set(OTHER_SPLIT_ROWS) and "other_processing" in rows:
        rows = [r for r in APPLICATION_ROWS if r != "other_processing"]
    elif "other_processing" in printed:
        rows = [r for r in APPLICATION_ROWS if r not in OTHER_SPLIT_ROWS]
    out |= {("applications", r, a) for r in rows for a in APPLICANTS}
    out |= {("review_litigation", p, o) for p in PROCEEDINGS for o in OUTCOMES}
    return out


def _read_cells(report: Report) -> set[tuple[str, str, str]]:
    aside = set_aside(report)
    out: set[tuple[str, str, str]] = set()
    sections = (
        ("active_disclosure", ((c.item, c.metric, c) for c in report.active_disclosure)),
        ("applications", ((c.row, c.applicant, c) for c in report.applications)),
        ("review_litigation", ((c.proceeding, c.outcome, c) for c in report.review_litigation)),
    )
    for section, cells in sections:
        if section in aside:
            continue
        for a, b, cell in cells:
            if cell.value is not None or is_blank(cell.raw or ""):
                out.add((section, a, b))
    return out


def read_quality(report: Report) -> ReadQuality:
    """The read-quality figure of ``report``."""
    tally = Tally()
    validate(report, tally)
    expected = format_cells(report)
    if not expected:
        bucket = "prose" if report.has_cells else "none"
        read = len(_read_cells(report))
        return ReadQuality(None, 0, read, tally.run, tally.passed, bucket)
    read = len(_read_cells(report) & expected)
    share = read / len(expected)
    aside = set_aside(report)
    if read == len(expected) and not aside:
        bucket = "whole"
    elif read == 0:
        bucket = "unreadable"
    else:
        bucket = "partial"
    return ReadQuality(round(share, 4), len(expected), read, tally.run, tally.passed, bucket)
