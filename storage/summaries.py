"""Summary table ``figures_by_region``: the headline figures summed per year and region.

At national size (a million reports) a sum over ``report_summary`` reads a million rows; the
canned queries and charts that add figures up by year, province and county read this table
instead (about 50,000 rows for the whole country: year × county × level). One row per (year,
province, city, county, level): ``reports``, ``reports_with_figures`` (reports with a 新收申请
figure) and the sum of every figure of ``report_figures`` (null when no report of the group
has it, as ``sum`` over the reports would give).

``save_report`` adds a new report's figures to its group's row (:func:`add_region_figures`:
no sum over the group's reports, which grows with the group) and recomputes the groups of a
changed report (and the group it left, when its year or region changed);
:func:`refresh_region_figures` without groups rebuilds the table (after a bulk load).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from storage.views import FIGURES, report_figures_sql

GROUP = ("year", "province", "city", "county", "level")
Group = tuple[object, ...]

COLUMNS: dict[str, type] = {
    "year": int,
    "province": str,
    "city": str,
    "county": str,
    "level": str,
    "reports": int,
    "reports_with_figures": int,
    **dict.fromkeys(FIGURES, int),
}

_MATCH = " and ".join(f"{c} is ?" for c in GROUP)
_INSERT = (
    f"insert into figures_by_region ({', '.join(COLUMNS)})\n"
    f"select {', '.join(GROUP)}, count(*), count(applications_received), "
    + ", ".join(f"sum({f})" for f in FIGURES)
    + f"\nfrom ({report_figures_sql()}) where {{where}} group by "
    + ", ".join(GROUP)
)


def group_of(db: sqlite_utils.Database, report_id: str) -> Group | None:
    """The (year, province, city, county, level) of a stored report."""
    return db.execute(
        f"select {', '.join(GROUP)} from reports where id = ?", [report_id]
    ).fetchone()


def refresh_region_figures(
    db: sqlite_utils.Database, groups: Iterable[Group | None] | None = None
) -> None:
    """Recompute the rows of ``groups`` (every row when ``groups`` is None)."""
    if groups is None:
        db.execute("delete from figures_by_region")
        db.execute(_INSERT.format(where="1"))
        return
    for group in {g for g in groups if g is not None}:
        db.execute(f"delete from figures_by_region where {_MATCH}", list(group))
        db.execute(_INSERT.format(where=_MATCH), list(group))


_FIGURE_COLUMNS = ("reports", "reports_with_figures", *FIGURES)
_GROUP_ROW = f"select {', '.join(_FIGURE_COLUMNS)} from figures_by_region where {_MATCH}"
_REPORT_FIGURES = f"select {', '.join(FIGURES)} from report_figures where report_id = ?"
_ROW_INSERT = (
    f"insert into figures_by_region ({', '.join(COLUMNS)}) values ({', '.join('?' * len(COLUMNS))})"
)
_RECEIVED = list(FIGURES).index("applications_received")  # counted in reports_with_figures
_EXACT = 2**53  # integer sums below this are the same added one by one as summed by SQL


def _plus(total: object, value: object) -> object:
    """``sum`` over the group with one more value: nulls left out, null while all are null."""
    if value is None:
        return total
    return value if total is None else total + value  # type: ignore[operator]


def figures_of(db: sqlite_utils.Database, report_id: str) -> tuple[object, ...] | None:
    """The report's ``report_figures`` row (its figures, without the id)."""
    return db.execute(_REPORT_FIGURES, [report_id]).fetchone()


def add_region_figures(db: sqlite_utils.Database, report_id: str) -> None:
    """Add a newly stored report (its ``report_figures`` row written) to its group's row.

    The row becomes what :func:`refresh_region_figures` would compute — the stored row plus
    the report's figures, written as a new row as that does — without reading the group's
    other reports. A group without a row yet, or a figure that is not a whole number (SQL's
    float summation is kept), is recomputed from its reports.
    """
    group = group_of(db, report_id)
    if group is None:
        return
    figures = figures_of(db, report_id)
    stored = db.execute(_GROUP_ROW, list(group)).fetchall()
    if figures is None or len(stored) != 1:
        refresh_region_figures(db, [group])
        return
    old = stored[0]
    added = [1, int(figures[_RECEIVED] is not None), *figures]
    row = [_plus(total, value) for total, value in zip(old, added, strict=True)]
    if not all(v is None or (type(v) is int and abs(v) < _EXACT) for v in (*old, *added, *row)):
        refresh_region_figures(db, [group])
        return
    db.execute(f"delete from figures_by_region where {_MATCH}", list(group))
    db.execute(_ROW_INSERT, [*group, *row])


# ``reports_by_body``: one row per body (a county's agency across years, spelled without spaces
# and 人民政府 / 政府): the years it has a report for. missing_reports reads it (a sixth of the
# rows of ``reports`` at six years), not a grouping of every report.
BODY = "replace(replace(replace(agency, ' ', ''), '人民政府', ''), '政府', '')"
BODY_COLUMNS: dict[str, type] = {
    "province": str,
    "county": str,
    "body": str,
    "agency": str,
    "level": str,
    "years": str,
    "last_report": int,
    "reports": int,
}
Body = tuple[object, ...]
_BODY_MATCH = "province is ? and county is ? and body = ?"
_BODY_INSERT = (
    "insert into reports_by_body (province, county, body, agency, level, years, last_report,"
    " reports)\nselect province, county, body, max(agency), max(level),"
    " group_concat(distinct year), max(year), count(*)\nfrom (select province, county,"
    f" {BODY} as body, agency, level, year from reports where agency is not null and {{where}}"
    " order by province, county, body, year)\ngroup by province, county, body"
)


def body_of(db: sqlite_utils.Database, report_id: str) -> Body | None:
    """The (province, county, body) of a stored report (None without an agency)."""
    row = db.execute(
        f"select province, county, {BODY} from reports where id = ? and agency is not null",
        [report_id],
    ).fetchone()
    return tuple(row) if row else None


def refresh_bodies(db: sqlite_utils.Database, bodies: Iterable[Body | None] | None = None) -> None:
    """Recompute the rows of ``bodies`` of ``reports_by_body`` (every row when None)."""
    if bodies is None:
        db.execute("delete from reports_by_body")
        db.execute(_BODY_INSERT.format(where="1"))
        return
    for body in {b for b in bodies if b is not None}:
        db.execute(f"delete from reports_by_body where {_BODY_MATCH}", list(body))
        where = f"province is ? and county is ? and {BODY} = ?"
        db.execute(_BODY_INSERT.format(where=where), list(body))
