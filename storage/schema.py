"""The database schema: tables, foreign keys, indexes, and ``open_db`` which creates or migrates it.

Every table says what one row is (see ``TABLES``). The cell tables have no index beyond their
key (report_id + keys): a secondary index such as (row, applicant) would be written at
~200 scattered places per report and made storing six times slower (``bench/store.py``). Their
key is a unique index on a rowid table, not a compound primary key: Datasette streams a table
(CSV, ``_stream=on``) page by page from the last key, and on a compound key that condition is
an OR which SQLite answers by sorting every row after the cursor (a million-row download took
quadratic time); on a rowid table it is ``rowid > ?``.

The tables change only through :data:`MIGRATIONS`, sqlite-utils' named migrations, each
applied once and recorded in ``_sqlite_migrations``: ``0001_tables`` creates every table (and
brings a database from before recorded migrations up to it); a later change to ``TABLES``
comes with its own named step (``0002_<table>_<what>``). Derived things are rebuilt on every
open: the lookup tables, the views, the full-text index, and ``report_figures`` (a figure
column new to it is computed for every stored report, once). ``open_db`` never drops data.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from storage.analysis import ensure_analysis_tables
from storage.coverage import create_coverage_indexes
from storage.lookups import create_lookups
from storage.search import enable_search
from storage.summaries import BODY, BODY_COLUMNS, COLUMNS, refresh_bodies, refresh_region_figures
from storage.views import (
    FIGURES,
    RANKED_WITHIN,
    create_views,
    fill_missing_figures,
    refresh_figures,
)

_ANY_REPORT = "select exists(select 1 from reports)"


@dataclass(frozen=True)
class TableSpec:
    """One table: columns (name → Python type), primary key, foreign keys, indexes."""

    doc: str
    columns: dict[str, Any]
    pk: str | tuple[str, ...]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)
    not_null: frozenset[str] = frozenset()
    indexes: list[tuple[str, ...]] = field(default_factory=list)
    unique: tuple[str, ...] = ()  # the key of a rowid table (a unique index)


# The columns of a registry entry (``crawler.sites.Site``'s fields), then the crawl's record.
SITE_FIELDS = (
    "id", "name", "province", "city", "county", "level", "start_url", "cms_style", "note",
    "attachment_hosts",
)  # fmt: skip

TABLES: dict[str, TableSpec] = {
    "sites": TableSpec(
        "one row per portal crawled (the spider's sites registry)",
        {
            **dict.fromkeys(SITE_FIELDS, str),
            "first_seen": str,
            "last_crawled": str,
            "last_pages": int,
            "last_reports": int,
            "last_status": str,
        },
        pk="id",
        indexes=[("province", "city", "county")],
    ),
    "reports": TableSpec(
        "one row per annual report (however many URLs it was found at)",
        {
            "id": str,
            "url": str,
            "title": str,
            "agency": str,
            "year": int,
            "template": str,
            "published": str,
            "site": str,
            "province": str,
            "city": str,
            "county": str,
            "level": str,
            "index_no": str,
            "publisher": str,
            "attachments": str,
            "source_url": str,
            "cells": int,
            "read_quality": str,
            "read_share": float,
            "checks_run": int,
            "checks_passed": int,
            "text": str,
            "content_hash": str,
            "first_seen": str,
            "last_checked": str,
            "last_changed": str,
        },
        pk="id",
        foreign_keys=[("site", "sites", "id"), ("template", "templates", "key")],
        # (year, province, county, id) covers what the year and region filters of the canned
        # queries and charts read, so they scan the index, not the wide rows (text).
        indexes=[
            ("year", "province", "county", "id"),
            # Look-ups by id that list a report (findings, all-zero reports) read this, not
            # the wide row with its text; body_trend's substring match scans (agency, …).
            ("id", "year", "province", "county", "level", "agency", "cells", "url"),
            ("agency", "county", "id"),
            ("site",),
            ("template",),
            ("province", "city", "county"),
            # At a million reports: the Atom feed's newest first, the level facet, and the
            # dashboard's count of distinct bodies read these instead of the wide rows.
            ("first_seen",),
            ("level",),
            ("province", "county", "agency"),
            ("read_quality",),  # its facet
        ],
    ),
    "pages": TableSpec(
        "one row per fetched candidate page (reports and the look-alikes rejected)",
        {
            "url": str,
            "site": str,
            "classification": str,
            "status": int,
            "title": str,
            "link_text": str,
            "referer": str,
            "content_hash": str,
            "encoding": str,
            "from_cache": int,
            "fetched_at": str,
            "file_urls": str,
            "file_hashes": str,
            "report_id": str,
            "parse_error": str,
            "first_seen": str,
            "last_checked": str,
        },
        pk="url",
        foreign_keys=[("site", "sites", "id"), ("report_id", "reports", "id")],
        # site, classification, status: its facets; last_checked: the table's sort
        indexes=[("site",), ("classification",), ("report_id",), ("status",), ("last_checked",)],
    ),
    "report_sources": TableSpec(
        "one row per URL or file a report was found at (its page, its attachments)",
        {
            "report_id": str,
            "url": str,
            "kind": str,
            "page_url": str,
            "file_path": str,
            "raw_hash": str,
            "content_hash": str,
            "first_seen": str,
            "last_checked": str,
        },
        pk=("report_id", "url"),
        foreign_keys=[("report_id", "reports", "id")],
        indexes=[("url",), ("page_url",), ("kind",)],  # kind: its facet
    ),
    "active_disclosure": TableSpec(
        "one row per cell of section 二 主动公开政府信息情况",
        {"report_id": str, "item": str, "metric": str, "value": int, "raw": str, "unit": str},
        pk=None,  # type: ignore[arg-type]  # a rowid table (CSV streams by rowid)
        unique=("report_id", "item", "metric"),
        foreign_keys=[
            ("report_id", "reports", "id"),
            ("item", "items", "key"),
            ("metric", "metrics", "key"),
        ],
    ),
    "applications": TableSpec(
        "one row per cell of section 三 收到和处理政府信息公开申请情况",
        {"report_id": str, "row": str, "applicant": str, "value": int, "raw": str},
        pk=None,  # type: ignore[arg-type]  # a rowid table (CSV streams by rowid)
        unique=("report_id", "row", "applicant"),
        foreign_keys=[
            ("report_id", "reports", "id"),
            ("row", "application_rows", "key"),
            ("applicant", "applicants", "key"),
        ],
    ),
    "review_litigation": TableSpec(
        "one row per cell of section 四 行政复议、行政诉讼",
        {"report_id": str, "proceeding": str, "outcome": str, "value": int, "raw": str},
        pk=None,  # type: ignore[arg-type]  # a rowid table (CSV streams by rowid)
        unique=("report_id", "proceeding", "outcome"),
        foreign_keys=[
            ("report_id", "reports", "id"),
            ("proceeding", "proceedings", "key"),
            ("outcome", "outcomes", "key"),
        ],
    ),
    "findings": TableSpec(
        "one row per finding: a failed check on a report, or a page that could not be parsed",
        {
            "id": int,
            "report_id": str,
            "page_url": str,
            "rule": str,
            "severity": str,
            "message": str,
            "keys": str,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id"), ("rule", "rules", "key")],
        # reports_with_findings and unbalanced group a report's findings in this index's
        # order, reading neither the rows nor the reports in random order.
        indexes=[("report_id", "rule", "severity", "message"), ("rule",), ("page_url",)],
    ),
    "report_changes": TableSpec(
        "one row per change of a stored report between crawls",
        {
            "id": int,
            "report_id": str,
            "changed_at": str,
            "old_hash": str,
            "new_hash": str,
            "source_url": str,
            "reason": str,
            "summary": str,
            "what_changed": str,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
        indexes=[("report_id",), ("changed_at",)],
    ),
    "crawl_runs": TableSpec(
        "one row per crawl: when, how it ended, what it found (Scrapy stats as JSON)",
        {
            "id": int,
            "spider": str,
            "started": str,
            "finished": str,
            "status": str,
            "pid": int,
            "host": str,
            "reports_new": int,
            "reports_changed": int,
            "reports_unchanged": int,
            "reports_failed": int,
            "pages": int,
            "sites_ok": int,
            "sites_failed": int,
            "failed_sites": str,
            "stats": str,
        },
        pk="id",
        indexes=[("started",)],
    ),
    "nightly_runs": TableSpec(
        "one row per nightly run (nianbao nightly): counts, alerts, exit status, summary",
        {
            "run_id": str,
            "started": str,
            "finished": str,
            "attempts": int,
            "exit_code": int,
            "sites_ok": int,
            "sites_failed": int,
            "reports_new": int,
            "reports_changed": int,
            "reports_unchanged": int,
            "reports_failed": int,
            "parse_failure_rate": float,
            "findings": int,  # findings read this run
            "findings_stored": int,  # findings in the published database
            "crawl_runs": str,
            "alerts": str,
            "summary": str,
        },
        pk="run_id",
    ),
    "site_runs": TableSpec(
        "one row per site and nightly run: ok / down / no_report, and the site's counts",
        {
            "run_id": str,
            "site_id": str,
            "started": str,
            "status": str,
            "reason": str,
            "name": str,
            "requests": int,
            "fetched": int,
            "http_errors": int,
            "pages": int,
            "reports": int,
        },
        pk=("run_id", "site_id"),
        indexes=[("site_id", "started")],
    ),
}

TABLES["report_figures"] = TableSpec(
    "one row per report: its headline figures, and the year, level and province they are"
    " ranked within (kept by the writer; read by report_summary and the ranking queries)",
    {"report_id": str, "year": int, "level": str, "province": str, **dict.fromkeys(FIGURES, int)},
    pk="report_id",
    foreign_keys=[("report_id", "reports", "id")],
    # most_applications (a year's largest, by province) and counties_most_applications (a
    # year's county governments) read the top of these, not the reports of the whole year.
    indexes=[
        ("year", "applications_received", "province"),
        ("level", "year", "applications_received"),
    ],
)

TABLES["reports_by_body"] = TableSpec(
    "one row per body (a county's agency across years): the years it published a report for"
    " (storage.summaries; read by missing_reports)",
    BODY_COLUMNS,
    pk=None,  # type: ignore[arg-type]  # a rowid table: region columns may be null
    indexes=[("province", "county", "body")],
)

TABLES["figures_by_region"] = TableSpec(
    "one row per year and region (province, city, county, level): report counts and the sum"
    " of every figure (storage.summaries; read by the canned queries and charts of totals)",
    COLUMNS,
    pk=None,  # type: ignore[arg-type]  # a rowid table: region columns may be null
    indexes=[("year",), ("province", "county", "year")],
)

# Create referenced tables first (report_figures, derived, is kept by create_schema).
_ORDER = (
    "sites",
    "reports",
    "pages",
    "report_sources",
    "active_disclosure",
    "applications",
    "review_litigation",
    "findings",
    "report_changes",
    "crawl_runs",
    "nightly_runs",
    "site_runs",
)


def _create_table(db: sqlite_utils.Database, name: str, spec: TableSpec) -> list[str]:
    """Create the table, or add the columns it lacks; returns the columns added."""
    table = db[name]
    added: list[str] = []
    if not table.exists():
        table.create(
            spec.columns, pk=spec.pk, foreign_keys=spec.foreign_keys, not_null=spec.not_null
        )
    else:  # migrate: add the columns a newer version defines
        have = set(table.columns_dict)
        for column, kind in spec.columns.items():
            if column not in have:
                table.add_column(column, kind)
                added.append(column)
    for columns in spec.indexes:
        table.create_index(columns, if_not_exists=True)
    if spec.unique:
        table.create_index(spec.unique, unique=True, if_not_exists=True)
    return added


MIGRATIONS = Migrations("nianbao")


@MIGRATIONS(name="0001_tables")
def _tables(db: sqlite_utils.Database) -> None:
    """Every table of ``TABLES`` with its indexes; a database made before migrations were
    recorded gains the tables and columns it lacks."""
    for name in _ORDER:
        _create_table(db, name, TABLES[name])


@MIGRATIONS(name="0002_nightly_runs_findings_stored")
def _nightly_findings_stored(db: sqlite_utils.Database) -> None:
    """``nightly_runs.findings_stored``: the findings in the published database."""
    _create_table(db, "nightly_runs", TABLES["nightly_runs"])


@MIGRATIONS(name="0003_sites_attachment_hosts")
def _sites_attachment_hosts(db: sqlite_utils.Database) -> None:
    """``sites.attachment_hosts``: other hosts that serve a site's files."""
    _create_table(db, "sites", TABLES["sites"])


@MIGRATIONS(name="0004_reports_feed_level_body_indexes")
def _reports_indexes(db: sqlite_utils.Database) -> None:
    """Indexes of ``reports`` for the new-reports feed, the level facet and body counts."""
    _create_table(db, "reports", TABLES["reports"])


# all_zero reads only this partial index of report_figures (the reports with no application).
_ZERO_FIGURES = (
    "applications_received", "total_processed", "active_nonzero", "carried_over",
    "carried_forward", "review_total", "litigation_total", "applications_nonzero",
    "review_nonzero",
)  # fmt: skip
_ZERO_WHERE = "applications_received = 0 and total_processed = 0"


@MIGRATIONS(name="0005_listing_body_zero_indexes")
def _listing_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the canned queries at a million reports: a covering index of the listed
    columns of ``reports`` by id, (agency, county, id) instead of (agency), the bodies of each
    county (``reports_by_body`` refreshes a body from it), and the all-zero reports of
    ``report_figures``."""
    _create_table(db, "reports", TABLES["reports"])
    db.execute("drop index if exists idx_reports_agency")
    db.execute(
        "create index if not exists idx_reports_body on reports"
        f" (province, county, {BODY}, year, level, agency) where agency is not null"
    )
    _create_table(db, "report_figures", TABLES["report_figures"])
    db.execute(
        "create index if not exists idx_report_figures_all_zero on report_figures"
        f" (report_id, {', '.join(_ZERO_FIGURES)}) where {_ZERO_WHERE}"
    )


@MIGRATIONS(name="0006_cell_tables_rowid")
def _cell_tables_rowid(db: sqlite_utils.Database) -> None:
    """The cell tables as rowid tables with a unique key (were: compound primary keys)."""
    for name in ("active_disclosure", "applications", "review_litigation"):
        if db[name].exists() and db[name].pks != ["rowid"]:
            spec, new = TABLES[name], f"_new_{name}"
            db[new].create(spec.columns, foreign_keys=spec.foreign_keys)
            columns = ", ".join(f"[{c}]" for c in spec.columns)
            db.execute(f"insert into [{new}] ({columns}) select {columns} from [{name}]")
            db[name].drop()
            db.execute("PRAGMA legacy_alter_table = ON")  # the views are recreated after
            db.execute(f"alter table [{new}] rename to [{name}]")
            db.execute("PRAGMA legacy_alter_table = OFF")
        _create_table(db, name, TABLES[name])


@MIGRATIONS(name="0007_reports_by_body")
def _reports_by_body(db: sqlite_utils.Database) -> None:
    """The summary table ``reports_by_body``, filled from the stored reports."""
    _create_table(db, "reports_by_body", TABLES["reports_by_body"])
    refresh_bodies(db)


@MIGRATIONS(name="0008_reports_read_quality")
def _reports_read_quality(db: sqlite_utils.Database) -> None:
    """``reports.read_quality``, ``read_share``, ``checks_run``, ``checks_passed``."""
    _create_table(db, "reports", TABLES["reports"])


@MIGRATIONS(name="0009_ranking_and_facet_indexes")
def _ranking_indexes(db: sqlite_utils.Database) -> None:
    """``report_figures`` gains the year, level and province of its report (copied, then
    indexed with the figure they rank); ``reports`` an index of ``read_quality`` (its facet);
    ``findings`` a covering index by report instead of the report id alone; ``pages`` and
    ``report_sources`` indexes of the columns Datasette facets (status, kind)."""
    _create_table(db, "reports", TABLES["reports"])
    figures = db["report_figures"]
    if figures.exists():  # copy before indexing: one pass, no index written row by row
        for column in [c for c in RANKED_WITHIN if c not in figures.columns_dict]:
            figures.add_column(column, TABLES["report_figures"].columns[column])
        db.execute(
            f"update report_figures set ({', '.join(RANKED_WITHIN)}) ="
            f" (select {', '.join(RANKED_WITHIN)} from reports r"
            " where r.id = report_figures.report_id)"
        )
    _create_table(db, "report_figures", TABLES["report_figures"])
    _create_table(db, "findings", TABLES["findings"])  # a covering index by report
    db.execute("drop index if exists idx_findings_report_id")
    for name in ("pages", "report_sources"):  # the status and kind facets
        _create_table(db, name, TABLES[name])


@MIGRATIONS(name="0010_sort_and_facet_indexes")
def _sort_and_facet_indexes(db: sqlite_utils.Database) -> None:
    """``pages`` an index of its sort column (``last_checked``: the table page read 1.3
    million rows to show 50); ``coverage`` indexes of its level and published facets."""
    _create_table(db, "pages", TABLES["pages"])
    if db["coverage"].exists():  # made by refresh_coverage, with these indexes
        create_coverage_indexes(db)


def create_schema(db: sqlite_utils.Database) -> None:
    """Apply pending migrations; refresh the lookups, views, full-text index and figures.

    In one transaction that takes the write lock before reading which migrations are applied
    (``BEGIN IMMEDIATE``): two processes opening a new database at once would otherwise both
    read "none applied", and the second one's first write fail as ``database is locked``.
    """
    if db.conn.in_transaction:
        with db.atomic():
            _create_schema(db)
        return
    db.execute("BEGIN IMMEDIATE")  # waits up to the connection's busy_timeout
    try:
        _create_schema(db)
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def _create_schema(db: sqlite_utils.Database) -> None:
    """``create_schema``'s work, inside its transaction."""
    create_lookups(db)
    MIGRATIONS.apply(db)
    figures_added = _create_table(db, "report_figures", TABLES["report_figures"])
    region_added = _create_table(db, "figures_by_region", TABLES["figures_by_region"])
    enable_search(db)
    create_views(db)
    ensure_analysis_tables(db)
    if figures_added:  # a newer figure: compute it for every stored report
        refresh_figures(db)
    else:
        fill_missing_figures(db)
    empty = not db.execute("select exists(select 1 from figures_by_region)").fetchone()[0]
    if region_added or (empty and db.execute(_ANY_REPORT).fetchone()[0]):
        refresh_region_figures(db)  # a database older than the table, or a new figure


BUSY_TIMEOUT_MS = 10_000


def _enable_wal(db: sqlite_utils.Database) -> None:
    """Switch to WAL, retrying while another process holds the file (up to the busy timeout):
    SQLite answers the switch ``database is locked`` at once, without its busy handler, while
    another process that opened the new file at the same moment is switching it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or migrating) the nianbao database at ``path``, in WAL mode.

    Safe to call on every start: pending migrations are applied (each once), lookups are
    refreshed from ``parsers.schema``, no row of data is touched (``report_figures``, derived
    from the cells, gains any new figure).
    """
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if str(path) != ":memory:":
        _enable_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no integrity
    create_schema(db)
    return db
