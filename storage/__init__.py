"""The nianbao SQLite database (sqlite-utils): schema, lookup tables, views, FTS, writer.

Public API (names are stable; other packages use them):

- ``open_db(path)`` — open, creating or migrating the schema (WAL mode).
- ``save_report(db, report, *, site, sources, checked_at)`` → ``"new" | "changed" |
  "unchanged"`` — one report, one transaction.
- ``save_sites``, ``record_site_crawls``, ``save_page``, ``page_state``, ``touch_reports`` —
  sites and pages; ``unchanged_reports`` (may a page skip parsing?) and ``group_copies`` (one
  report per id from its copies, the fullest kept) — the incremental crawl's rules.
- ``record_run(db, …)`` / ``mark_interrupted_runs(db)`` — the ``crawl_runs`` table;
  ``record_nightly_run(db, run, sites)`` — ``nightly_runs`` and ``site_runs``.
- ``report_id_for(site, report)`` — the stable report id; ``search_reports`` — search.
- ``refresh_analyses(db)`` — rebuild ``bodies``, ``report_bodies``, ``coverage`` and
  ``text_similarity`` from the stored reports (after a crawl).
- ``refresh_figures(db, ids=None)`` — recompute ``report_figures`` (after writing cells
  directly, not through ``save_report``); then ``refresh_region_figures(db)`` rebuilds the
  summary table ``figures_by_region`` and ``refresh_bodies(db)`` the table ``reports_by_body``
  (``save_report`` keeps all three current).
"""

from storage.analysis import refresh_analyses
from storage.ids import content_hash, level_for, report_id_for
from storage.runs import mark_interrupted_runs, record_nightly_run, record_run
from storage.schema import TABLES, create_schema, open_db
from storage.search import search_reports
from storage.summaries import refresh_bodies, refresh_region_figures
from storage.views import refresh_figures
from storage.writer import (
    SaveStatus,
    Source,
    group_copies,
    now_iso,
    page_state,
    record_site_crawls,
    save_page,
    save_report,
    save_sites,
    touch_reports,
    unchanged_reports,
)

__all__ = [
    "TABLES",
    "SaveStatus",
    "Source",
    "content_hash",
    "create_schema",
    "group_copies",
    "level_for",
    "mark_interrupted_runs",
    "now_iso",
    "open_db",
    "page_state",
    "record_nightly_run",
    "record_run",
    "record_site_crawls",
    "refresh_analyses",
    "refresh_bodies",
    "refresh_figures",
    "refresh_region_figures",
    "report_id_for",
    "save_page",
    "save_report",
    "save_sites",
    "search_reports",
    "touch_reports",
    "unchanged_reports",
]
