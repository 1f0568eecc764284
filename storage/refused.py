"""The ``refused_urls`` table: URLs the crawler refused or could not read, and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

COLUMNS = {
    "url": str,
    "reason": str,  # scheme_file, other_host, loopback, private, too_large, timeout, …
    "site": str,
    "referer": str,
    "detail": str,
    "at": str,
}


def save_refused(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Upsert refusals by URL (the latest reason wins); the number written."""
    table = db["refused_urls"]
    if not table.exists():
        table.create(COLUMNS, pk="url")
        table.create_index(["site"])
    rows = list(rows)
    with db.conn:
        table.upsert_all(rows, pk="url", alter=True)
    return len(rows)
