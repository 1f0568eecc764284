"""SQL views: ``report_summary`` (one row per report) and ``applications_wide`` (one row per
report and application row, one column per applicant), and the ``report_figures`` they read.

A row's figure is its 总计 cell; when the report has no 总计 column (or left it blank) it is the
sum of the applicant columns that were reported. Group figures (withheld, unavailable, rejected,
other) add up their rows; each withheld reason is a figure of its own (``withheld_<reason>``,
the row key). ``*_nonzero`` count a section's cells that are not 0 (an all-zero report has
none). A figure with no reported cell at all is ``null``, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def _nonzero(table: str) -> str:
    """Cells of a section that are not 0; ``null`` when the section has no reported cell."""
    return f"(select sum(x.value <> 0) from {table} x where x.report_id = r.id)"


def _findings(severity: str) -> str:
    return (
        f"(select count(*) from findings fi where fi.report_id = r.id"
        f" and fi.severity = '{severity}')"
    )


# The headline figures of a report, each a correlated subquery on ``r.id``.
FIGURES: dict[str, str] = {
    "applications_received": _row_total("new_received"),
    "carried_over": _row_total("carried_over"),
    "granted": _row_total("granted"),
    "partially_granted": _row_total("partially_granted"),
    "withheld": _group_total(ROW_GROUPS["withheld"]),
    **{row: _row_total(row) for row in ROW_GROUPS["withheld"]},
    "unavailable": _group_total(ROW_GROUPS["unavailable"]),
    "rejected": _group_total(ROW_GROUPS["rejected"]),
    "other": _group_total(ROW_GROUPS["other"]),
    "total_processed": _row_total("total_processed"),
    "carried_forward": _row_total("carried_forward"),
    "review_total": _proceeding_total(("review",)),
    "litigation_total": _proceeding_total(LITIGATION),
    "active_nonzero": _nonzero("active_disclosure"),
    "applications_nonzero": _nonzero("applications"),
    "review_nonzero": _nonzero("review_litigation"),
    "errors": _findings("error"),
    "warnings": _findings("warning"),
}
_REPORT_COLUMNS = ("id", "site", "province", "city", "county", "level", "agency", "year",
                   "template", "title", "published", "url",
                   "read_quality", "read_share")  # fmt: skip


# Copied from the report into its ``report_figures`` row: an index there ranks a figure within
# a year and level (most_applications) without reading the reports of the whole year.
RANKED_WITHIN = ("year", "level", "province")


def _figures_sql(verb: str, where: str) -> str:
    copied = ", ".join(RANKED_WITHIN)
    return (
        f"{verb} into report_figures (report_id, {copied}, {', '.join(FIGURES)})\nselect r.id, "
        + ", ".join(f"r.{c}" for c in RANKED_WITHIN)
        + ", "
        + ", ".join(FIGURES.values())
        + f"\nfrom reports r where {where}"
    )


def refresh_figures(db: sqlite_utils.Database, report_ids: Sequence[str] | None = None) -> None:
    """(Re)compute ``report_figures`` for some reports (all when ``report_ids`` is None).

    ``save_report`` calls it for the report it writes; call it after writing cells directly.
    """
    if report_ids is None:
        db.execute(_figures_sql("insert or replace", "1"))
        return
    sql = _figures_sql("insert or replace", "r.id = ?")
    for rid in report_ids:
        db.execute(sql, [rid])


def fill_missing_figures(db: sqlite_utils.Database) -> None:
    """Compute the figures of reports that have none (written by other means than the writer)."""
    db.execute(_figures_sql("insert", "r.id not in (select report_id from report_figures)"))


def report_summary_sql() -> str:
    """``report_summary``: headline figures of every report.

    Read from ``report_figures`` (stored with each report, so a whole-table aggregate does not
    recompute ~15 subqueries per report); computed live for a report that has no figures row.
    Each figure is a subquery, not a join: a query on the report's own columns (Datasette's
    year facet, the row count) then reads ``reports`` alone, where a left join would be run
    for every report (SQLite omits an unused left join only outside aggregates).
    """
    stored = "r.id in (select report_id from report_figures)"
    columns = [f"r.{c}" for c in _REPORT_COLUMNS] + [
        f"case when {stored} then (select f.{name} from report_figures f"
        f" where f.report_id = r.id) else {live} end as {name}"
        for name, live in FIGURES.items()
    ]
    return "select\n  " + ",\n  ".join(columns) + "\nfrom reports r"


def report_figures_sql() -> str:
    """The rows of ``report_summary`` as a join: for sums over many reports
    (``figures_by_region``), one look-up per report instead of two per figure."""
    columns = [f"r.{c}" for c in _REPORT_COLUMNS] + [
        f"case when f.report_id is null then {live} else f.{name} end as {name}"
        for name, live in FIGURES.items()
    ]
    return (
        "select\n  "
        + ",\n  ".join(columns)
        + "\nfrom reports r left join report_figures f on f.report_id = r.id"
    )


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
