"""Coverage: every body of a county × every year of that county, and whether it published.

The roster of a county is every body (``storage.bodies``) that published a report there in any
year; its years run from the county's first to its last report year. A row with
``published = 0`` is a body that published nothing that year, as far as the crawl found:
``within_span`` says whether the year lies between the body's own first and last report (a gap)
or outside them (the body may not have existed, or its older reports are no longer online).
"""

from __future__ import annotations

from collections import defaultdict

import sqlite_utils

COVERAGE_COLUMNS = {
    "body_id": str, "year": int, "province": str, "city": str, "county": str, "site": str,
    "name": str, "level": str, "published": int, "within_span": int, "report_id": str,
}  # fmt: skip


def refresh_coverage(db: sqlite_utils.Database) -> int:
    """Rebuild ``coverage`` from ``bodies`` / ``report_bodies``; returns the rows written."""
    bodies = list(db.query("select * from bodies"))
    reports: dict[tuple[str, int], str] = {}
    for row in db.execute(
        "select body_id, year, report_id from report_bodies where year is not null"
        " order by report_id"
    ).fetchall():
        reports.setdefault((row[0], row[1]), row[2])
    region_years: dict[tuple, set[int]] = defaultdict(set)
    region_of = {}
    for body in bodies:
        region = (body["province"], body["city"], body["county"] or f"site {body['site']}")
        region_of[body["id"]] = region
    for body_id, year in reports:
        region = region_of.get(body_id)
        if region is not None:
            region_years[region].add(year)
    rows = []
    for body in bodies:
        years = region_years.get(region_of[body["id"]])
        if not years:
            continue
        for year in range(min(years), max(years) + 1):
            report_id = reports.get((body["id"], year))
            first, last = body["first_year"], body["last_year"]
            rows.append(
                {
                    "body_id": body["id"],
                    "year": year,
                    "province": body["province"],
                    "city": body["city"],
                    "county": body["county"],
                    "site": body["site"],
                    "name": body["name"],
                    "level": body["level"],
                    "published": int(report_id is not None),
                    "within_span": int(first is not None and first <= year <= last),
                    "report_id": report_id,
                }
            )
    with db.atomic():
        db.execute("drop table if exists coverage")
        db["coverage"].create(
            COVERAGE_COLUMNS,
            pk=("body_id", "year"),
            foreign_keys=[("body_id", "bodies", "id"), ("report_id", "reports", "id")],
        )
        db["coverage"].insert_all(rows)
        db["coverage"].create_index(["year", "level", "published"])
        db["coverage"].create_index(["province", "city", "county", "year"])
    return len(rows)
