"""Lookup tables: every canonical key with its Chinese label, from ``parsers.schema``.

The cell tables point at these by foreign key, so Datasette prints 自然人 beside
``natural_person``. Columns: ``key`` (primary key), ``label``, ``sort_order`` (the official
order) and ``notes``.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from parsers import schema

# Rules the storage layer itself reports (beside the parsers' rules).
STORAGE_RULES: dict[str, str] = {
    "parse_error": "the page or file could not be parsed (the error is in the message)",
    "sources_differ": "the copies of this report (page, attachments) do not say the same thing",
}


def _metric_notes(key: str) -> str | None:
    notes = []
    if key in schema.DECIMAL_METRICS:
        notes.append("decimal")
    if key in schema.SIGNED_METRICS:
        notes.append("may be negative")
    templates = [
        t for t, layout in schema.ACTIVE_LAYOUT.items() if any(key in m for m in layout.values())
    ]
    if len(templates) == 1:
        notes.append(f"format {templates[0]} only")
    return ", ".join(notes) or None


def _row_notes(key: str) -> str | None:
    if key in schema.PROSE_ROWS:
        return "before 2019 only (read from the report's prose)"
    templates = [t for t, rows in schema.APPLICATION_ROWS_BY_TEMPLATE.items() if key in rows]
    return f"format {templates[0]} only" if len(templates) == 1 else None


def lookup_rows() -> dict[str, list[dict[str, Any]]]:
    """Rows of every lookup table, keyed by table name."""

    def rows(labels: dict[str, str], notes: Any = None) -> list[dict[str, Any]]:
        return [
            {"key": k, "label": v, "sort_order": i, "notes": notes(k) if notes else None}
            for i, (k, v) in enumerate(labels.items(), 1)
        ]

    return {
        "templates": rows(schema.TEMPLATES),
        "items": rows(schema.ITEMS),
        "metrics": rows(schema.METRICS, _metric_notes),
        "applicants": rows(schema.APPLICANTS),
        "application_rows": rows({**schema.APPLICATION_ROWS, **schema.PROSE_ROWS}, _row_notes),
        "proceedings": rows({**schema.PROCEEDINGS, **schema.PROSE_PROCEEDINGS}),
        "outcomes": rows(schema.OUTCOMES),
        "rules": rows({**schema.RULES, **STORAGE_RULES}),
    }


def create_lookups(db: sqlite_utils.Database) -> None:
    """Create the lookup tables and (re)write their rows from ``parsers.schema``."""
    for table, rows in lookup_rows().items():
        db[table].create(
            {"key": str, "label": str, "sort_order": int, "notes": str},
            pk="key",
            not_null={"label"},
            if_not_exists=True,
        )
        db[table].upsert_all(rows, pk="key")


def ensure_keys(db: sqlite_utils.Database, table: str, keys: set[str]) -> None:
    """Add keys the schema does not know (a parser's new rule) so foreign keys still resolve."""
    if not keys:
        return
    known = {r[0] for r in db.execute(f"select key from [{table}]").fetchall()}
    missing = sorted(keys - known)
    if missing:
        db[table].insert_all(
            [{"key": k, "label": k, "notes": "not in parsers.schema"} for k in missing], pk="key"
        )
