"""Edited after publication: earlier versions of a stored report, kept when it changes.

``save_report`` calls :func:`keep_version` before it overwrites a report whose content changed
(``report_changes`` gets its row as before), and :func:`keep_text_version` when only the prose
of the same copy changed (the content hash leaves the text out, so that visitor counters do
not look like edits; the prose, ``storage.similarity.prose``, leaves them out too): that edit
also gets a ``report_changes`` row. A version holds the report's fields, its cells as JSON
(``section.key1.key2`` → value, or the raw text of a cell without a number) and its text.
The view ``report_cells`` lists the current cells under the same keys, so a canned query can
show old and new side by side.
"""

from __future__ import annotations

import json

import sqlite_utils

from storage.similarity import prose

VERSION_COLUMNS = {
    "id": int, "report_id": str, "replaced_at": str, "content_hash": str, "title": str,
    "agency": str, "year": int, "published": str, "source_url": str, "cells": str,
    "text": str,
}  # fmt: skip

REPORT_CELLS_VIEW = """
select report_id, 'active_disclosure.' || item || '.' || metric as key,
  coalesce(value, raw) as value
from active_disclosure
union all
select report_id, 'applications.' || row || '.' || applicant, coalesce(value, raw)
from applications
union all
select report_id, 'review_litigation.' || proceeding || '.' || outcome, coalesce(value, raw)
from review_litigation
"""


def create_versions(db: sqlite_utils.Database) -> None:
    """The table ``report_versions`` and the view ``report_cells`` (idempotent)."""
    table = db["report_versions"]
    if not table.exists():
        table.create(VERSION_COLUMNS, pk="id", foreign_keys=[("report_id", "reports", "id")])
        table.create_index(["report_id", "replaced_at"])
    db.execute("drop view if exists report_cells")
    db.execute(f"create view report_cells as {REPORT_CELLS_VIEW}")


def stored_cells(db: sqlite_utils.Database, report_id: str) -> dict[str, object]:
    """The report's cells as stored: ``section.key1.key2`` → value (or raw text)."""
    return dict(
        db.execute(
            "select key, value from report_cells where report_id = ? order by key", [report_id]
        ).fetchall()
    )


def keep_version(db: sqlite_utils.Database, report_id: str, replaced_at: str) -> None:
    """Copy the stored report (fields, cells, text) into ``report_versions`` before a rewrite."""
    row = db.execute(
        "select content_hash, title, agency, year, published, source_url, text"
        " from reports where id = ?",
        [report_id],
    ).fetchone()
    if row is None:
        return
    keys = ("content_hash", "title", "agency", "year", "published", "source_url", "text")
    db["report_versions"].insert(
        {
            "report_id": report_id,
            "replaced_at": replaced_at,
            **dict(zip(keys, row, strict=True)),
            "cells": json.dumps(stored_cells(db, report_id), ensure_ascii=False),
        }
    )


def keep_text_version(
    db: sqlite_utils.Database, report_id: str, new_text: str | None, when: str, source_url: str
) -> bool:
    """Before the same copy's text is refreshed: keep a version when its prose changed.

    Returns True when a version (and a ``report_changes`` row) was written.
    """
    row = db.execute("select text, content_hash from reports where id = ?", [report_id]).fetchone()
    if row is None or row[0] == new_text or prose(row[0]) == prose(new_text):
        return False
    keep_version(db, report_id, when)
    db["report_changes"].insert(
        {
            "report_id": report_id,
            "changed_at": when,
            "old_hash": row[1],
            "new_hash": row[1],
            "source_url": source_url,
            "reason": "text edited at its source",
            "summary": f"正文改动 (text edited): {len(prose(row[0]))} → "
            f"{len(prose(new_text))} characters of prose",
            "what_changed": json.dumps(
                {"fields": {"text": [len(row[0] or ""), len(new_text or "")]}}
            ),
        }
    )
    return True
