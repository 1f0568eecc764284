"""Table counts made at publish time and given to Datasette (``nianbao.tablecounts``)."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import storage
from nianbao.nightly.publish import publish
from nianbao.serving import make_datasette
from nianbao.tablecounts import counts_path, read_counts
from tests.test_datasette import sample_reports


def _published(tmp_path: Path) -> Path:
    working = tmp_path / "work.db"
    db = storage.open_db(working)
    for site, report in sample_reports():
        storage.save_report(db, report, site=site, checked_at="2026-11-20T08:00:00+00:00")
    db.close()
    return publish(working, tmp_path / "pub" / "nianbao.db", keep=0)


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"select count(*) from [{table}]").fetchone()[0]


def _rows_count(ds: Any, table: str) -> int:
    async def fetch() -> Any:
        return await ds.client.get(f"/nianbao/{table}.json?_size=1")

    return asyncio.run(fetch()).json()["filtered_table_rows_count"]


def test_publish_counts_every_table_of_the_file_it_published(tmp_path: Path) -> None:
    published = _published(tmp_path)
    data = json.loads(counts_path(published).read_text(encoding="utf-8"))
    assert data["size"] == published.stat().st_size
    for table in ("reports", "applications", "review_litigation", "findings", "sites"):
        assert data["tables"][table]["count"] == _count(published, table) > 0
    assert read_counts(published) == data


def test_datasette_shows_the_published_counts_until_the_file_changes(tmp_path: Path) -> None:
    published = _published(tmp_path)
    real = _count(published, "applications")
    # A count only the counts file can give proves Datasette read it instead of counting.
    path = counts_path(published)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tables"]["applications"]["count"] = 123_456_789
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _rows_count(make_datasette(published), "applications") == 123_456_789

    stat = published.stat()  # written again after publishing: the counts no longer belong to it
    os.utime(published, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert read_counts(published) is None
    assert _rows_count(make_datasette(published), "applications") == real
