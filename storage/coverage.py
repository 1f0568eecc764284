"""Coverage: every body of a county × every year of that county, and whether it published.

The roster of a county is every body (``storage.bodies``) that published a report there in any
year; its years run from the county's first to its last report year. A row with
``published = 0`` is a body that published nothing that year, as far as the crawl found:
``within_span`` says whether the year lies between the body's own first and last report (a gap)
or outside them (the body may not have existed, or its older reports are no longer online).
A missing year is not always an unpublished report: when the crawl found a page of that site
named for the body and year but read no report from it (a failed download, a scan, a parse
error), ``note`` names that page and why, so "published nothing" is not claimed for a report
the crawl could not read.
"""

from __future__ import annotations

import re
from collections import defaultdict

import sqlite_utils

from storage.bodies import body_name

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
# Candidate pages with no report: read as a report but unparsed, or not fetched at all.
_UNREAD = """select url, site, classification, title, link_text, parse_error from pages
  where report_id is null and (classification = 'report'
    or classification like 'rejected:fetch_failed%' or classification like 'rejected:http_%')"""

COVERAGE_COLUMNS = {
    "body_id": str, "year": int, "province": str, "city": str, "county": str, "site": str,
    "name": str, "level": str, "published": int, "within_span": int, "report_id": str,
    "note": str,
}  # fmt: skip
# The canned queries' filters (year, level, published; region and year), and the facets of the
# table page: at a million reports a facet grouped from another index sorted a million rows
# (level 366 ms, published 244 ms), from its own index it counts them in order.
COVERAGE_INDEXES = (
    ("year", "level", "published"),
    ("province", "city", "county", "year"),
    ("level",),
    ("published",),
)


def unread_pages(db: sqlite_utils.Database) -> dict[tuple[str, str, int], str]:
    """(site, body name, year) → a note on a candidate page of it from which no report came."""
    found: dict[tuple[str, str, int], str] = {}
    for url, site, classification, title, link_text, error in db.execute(_UNREAD):
        for text in (title, link_text):
            year = _YEAR.search(text or "")
            name = body_name(None, text)
            if year and name:
                why = error or classification.removeprefix("rejected:")
                found.setdefault((site, name, int(year.group(1))), f"page not read ({why}): {url}")
    return found


def _names(db: sqlite_utils.Database) -> dict[str, set[str]]:
    """Body id → the normalised names it printed (as agency, or in a title)."""
    names: dict[str, set[str]] = defaultdict(set)
    for body_id, name in db.execute("select distinct body_id, name from report_bodies"):
        names[body_id].update(n for n in (body_name(name, None), body_name(None, name)) if n)
    return names


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
    unread = unread_pages(db) if "pages" in db.table_names() else {}
    names = _names(db) if unread else {}
    rows = []
    for body in bodies:
        years = region_years.get(region_of[body["id"]])
        if not years:
            continue
        for year in range(min(years), max(years) + 1):
            report_id = reports.get((body["id"], year))
            first, last = body["first_year"], body["last_year"]
            note = None
            if report_id is None:
                keys = ((body["site"], name, year) for name in names.get(body["id"], ()))
                note = next((unread[k] for k in keys if k in unread), None)
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
                    "note": note,
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
        create_coverage_indexes(db)
    return len(rows)


def create_coverage_indexes(db: sqlite_utils.Database) -> None:
    """The indexes of ``coverage`` (those it lacks): its filters and its facets."""
    for columns in COVERAGE_INDEXES:
        db["coverage"].create_index(columns, if_not_exists=True)
