"""The analysis tables, rebuilt from ``reports`` after each crawl: bodies, coverage, 内容雷同.

``refresh_analyses(db)`` rebuilds, in order, ``bodies`` + ``report_bodies``
(``storage.bodies``), ``coverage`` (``storage.coverage``) and ``text_similarity``
(``storage.similarity``, with its cache of MinHash signatures ``prose_signatures``). The store
pipeline calls it when a crawl closes (so ``nianbao crawl``, the nightly job and the demo all
publish them); ``open_db`` creates them empty when missing so the canned queries run on any
database. ``report_versions`` is kept by the writer instead.
"""

from __future__ import annotations

import time

import sqlite_utils

from storage.bodies import BODY_COLUMNS, refresh_bodies
from storage.coverage import COVERAGE_COLUMNS, refresh_coverage
from storage.similarity import (
    SIGNATURE_COLUMNS,
    SIGNATURE_TABLE,
    SIMILARITY_COLUMNS,
    refresh_similarity,
)
from storage.versions import create_versions

ANALYSIS_TABLES = {
    "bodies": (BODY_COLUMNS, "id"),
    "report_bodies": ({"report_id": str, "body_id": str, "year": int, "name": str}, "report_id"),
    "coverage": (COVERAGE_COLUMNS, ("body_id", "year")),
    "text_similarity": (SIMILARITY_COLUMNS, ("report_id", "other_report_id")),
    SIGNATURE_TABLE: (SIGNATURE_COLUMNS, "report_id"),
}


def ensure_analysis_tables(db: sqlite_utils.Database) -> None:
    """Create the analysis tables empty where missing, and ``report_versions`` (idempotent)."""
    for name, (columns, pk) in ANALYSIS_TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(columns, pk=pk)
            continue
        for column, kind in columns.items():  # a column newer than the table: the queries need it
            if column not in table.columns_dict:
                table.add_column(column, kind)
    create_versions(db)


def refresh_analyses(db: sqlite_utils.Database) -> dict[str, float]:
    """Rebuild bodies, coverage and text similarity; rows written and seconds taken."""
    started = time.perf_counter()
    result: dict[str, float] = {"bodies": refresh_bodies(db)}
    result["coverage"] = refresh_coverage(db)
    result["text_similarity"] = refresh_similarity(db)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result
