"""Synthetic canonical reports: every cell key of a format, and a report filled from cells.

The benchmarks, the sample-portal builder and the page generators build their reports here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from parsers.schema import (
    ACTIVE_LAYOUT,
    APPLICANTS,
    APPLICATION_ROWS_BY_TEMPLATE,
    OUTCOMES,
    PROCEEDINGS,
    ActiveCell,
    ApplicationCell,
    Report,
    ReviewCell,
)

Key = tuple[str, str, str]  # (section, key1, key2): ("applications", "granted", "total")
Value = int | float | None


def cell_keys(template: str) -> list[Key]:
    """Every cell of the three tables of ``template`` (2019 or 2021), in table order."""
    if template not in ACTIVE_LAYOUT:
        return []
    return [
        *(("active_disclosure", i, m) for i, ms in ACTIVE_LAYOUT[template].items() for m in ms),
        *(
            ("applications", r, a)
            for r in APPLICATION_ROWS_BY_TEMPLATE[template]
            for a in APPLICANTS
        ),
        *(("review_litigation", p, o) for p in PROCEEDINGS for o in OUTCOMES),
    ]


def with_cells(
    report: Report,
    cells: Mapping[Key, Value] | Mapping[str, Value],
    raw: Callable[[Value], str | None] = lambda value: None,
) -> Report:
    """``report`` with ``cells`` appended to its three tables; keys are ``(section, k1, k2)``
    or ``"section.k1.k2"``, ``raw(value)`` is each cell's printed text."""
    for key, value in cells.items():
        section, k1, k2 = key.split(".") if isinstance(key, str) else key
        if section == "active_disclosure":
            report.active_disclosure.append(ActiveCell(k1, k2, value, raw(value)))
        elif section == "applications":
            report.applications.append(ApplicationCell(k1, k2, value, raw(value)))
        else:
            report.review_litigation.append(ReviewCell(k1, k2, value, raw(value)))
    return report
