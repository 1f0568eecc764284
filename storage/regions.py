"""The region of a site crawled from a bare URL, filled in from what its reports say.

``nianbao crawl URL`` knows only the host; the province, city and county are read afterwards
from the site's stored reports (agency, publisher, title, the head and foot of the text) by a
caller-supplied reader (``crawler.sites.region_from_names``) and written where still blank:
``sites``, ``reports``, the analysis tables' copies and the summary rows kept by region
(``report_figures``' province, ``figures_by_region``, ``reports_by_body``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlite_utils

from storage.summaries import body_of, group_of, refresh_bodies, refresh_region_figures
from storage.views import refresh_figures

REGION = ("province", "city", "county")
RegionReader = Callable[[Iterable[str | None]], dict[str, str | None]]


def site_names(db: sqlite_utils.Database, site_id: str) -> list[str | None]:
    """What the site's reports say about who and where they are."""
    names: list[str | None] = []
    for row in db.execute(
        "select agency, publisher, title, substr(text, 1, 2000), substr(text, -1000)"
        " from reports where site = ?",
        [site_id],
    ):
        names.extend(row)
    return names


def fill_site_region(
    db: sqlite_utils.Database, site_id: str, read_region: RegionReader
) -> dict[str, str | None]:
    """Derive the site's region from its reports and fill the blank region columns.

    Returns the region found (values None where nothing says). A column a registry filled is
    never overwritten.
    """
    region = read_region(site_names(db, site_id))
    found = {k: v for k, v in region.items() if k in REGION and v}
    if not found:
        return region
    with db.atomic():
        ids = [r[0] for r in db.execute("select id from reports where site = ?", [site_id])]
        groups = {group_of(db, rid) for rid in ids}
        bodies = {body_of(db, rid) for rid in ids}
        for table in ("sites", "reports", "bodies", "coverage", "text_similarity"):
            if table not in db.table_names():
                continue
            key = "id" if table == "sites" else "site"
            where = f"{key} = ?"
            params: list[str] = [site_id]
            if table == "text_similarity":
                where = "report_id in (select id from reports where site = ?)"
            for column, value in found.items():
                db.execute(
                    f"update [{table}] set [{column}] = ? where {where} and [{column}] is null",
                    [value, *params],
                )
        # The summary rows keyed by region: the reports' figures rows (their copy of the
        # province), and the groups and bodies before and after.
        refresh_figures(db, ids)
        refresh_region_figures(db, groups | {group_of(db, rid) for rid in ids})
        refresh_bodies(db, bodies | {body_of(db, rid) for rid in ids})
    return region
