"""SQL views: ``report_summary`` (one row per report) and ``applications_wide`` (one row per
report and application row, one column per applicant).

A row's figure is its 总计 cell; when the report has no 总计 column (or left it blank) it is the
sum of the applicant columns that were reported. Group figures (withheld, unavailable, rejected,
other) add up their rows; a figure with no reported cell at all is ``null``, never 0.
"""

from __future__ import annotations

import sqlite_utils

from parsers.schema import APPLICANTS, ROW_GROUPS

LITIGATION = ("litigation_direct", "litigation_after_review")
_ROW_FIGURE = (
    "coalesce(max(case when a.applicant = 'total' then a.value end),"
    " sum(case when a.applicant <> 'total' then a.value end))"
)


def _quote_list(keys: tuple[str, ...]) -> str:
    return ", ".join(f"'{k}'" for k in keys)


def _row_total(row: str) -> str:
    return (
        f"(select {_ROW_FIGURE} from applications a where a.report_id = r.id and a.row = '{row}')"
    )


def _group_total(rows: tuple[str, ...]) -> str:
    return (
        f"(select sum(figure) from (select {_ROW_FIGURE} as figure from applications a"
        f" where a.report_id = r.id and a.row in ({_quote_list(rows)}) group by a.row))"
    )


def _proceeding_total(proceedings: tuple[str, ...]) -> str:
    figure = _ROW_FIGURE.replace("a.applicant", "v.outcome").replace("a.value", "v.value")
    return (
        f"(select sum(figure) from (select {figure} as figure from review_litigation v"
        f" where v.report_id = r.id and v.proceeding in ({_quote_list(proceedings)})"
        " group by v.proceeding))"
    )


def _findings(severity: str) -> str:
    return (
        f"(select count(*) from findings f where f.report_id = r.id and f.severity = '{severity}')"
    )


def report_summary_sql() -> str:
    """``report_summary``: headline figures of every report."""
    columns = [
        "r.id",
        "r.site",
        "r.province",
        "r.city",
        "r.county",
        "r.level",
        "r.agency",
        "r.year",
        "r.template",
        "r.title",
        "r.published",
        "r.url",
        f"{_row_total('new_received')} as applications_received",
        f"{_row_total('carried_over')} as carried_over",
        f"{_row_total('granted')} as granted",
        f"{_row_total('partially_granted')} as partially_granted",
        f"{_group_total(ROW_GROUPS['withheld'])} as withheld",
        f"{_group_total(ROW_GROUPS['unavailable'])} as unavailable",
        f"{_group_total(ROW_GROUPS['rejected'])} as rejected",
        f"{_group_total(ROW_GROUPS['other'])} as other",
        f"{_row_total('total_processed')} as total_processed",
        f"{_row_total('carried_forward')} as carried_forward",
        f"{_proceeding_total(('review',))} as review_total",
        f"{_proceeding_total(LITIGATION)} as litigation_total",
        f"{_findings('error')} as errors",
        f"{_findings('warning')} as warnings",
    ]
    return "select\n  " + ",\n  ".join(columns) + "\nfrom reports r"


def applications_wide_sql() -> str:
    """``applications_wide``: section 三 as printed, one row per report and row."""
    pivots = [f"max(case when a.applicant = '{k}' then a.value end) as {k}" for k in APPLICANTS]
    return (
        "select\n  a.report_id, r.agency, r.year, r.site, a.row, l.label as row_label,"
        " l.sort_order as row_order,\n  "
        + ",\n  ".join(pivots)
        + "\nfrom applications a\n  join reports r on r.id = a.report_id"
        "\n  left join application_rows l on l.key = a.row"
        "\ngroup by a.report_id, a.row"
    )


VIEWS: dict[str, str] = {
    "report_summary": report_summary_sql(),
    "applications_wide": applications_wide_sql(),
}


def create_views(db: sqlite_utils.Database) -> None:
    """Create the views, replacing any older definition."""
    for name, sql in VIEWS.items():
        db.create_view(name, sql, replace=True)
