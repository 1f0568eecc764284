"""Downloads of whole tables (CSV, ``_stream=on``) hold every row exactly once.

Datasette streams a table in pages of ``max_returned_rows``, each page starting after the last
key of the one before. Tables whose default order has ties (many reports of one year) and the
cell tables (once keyed by three columns) paged wrongly or slowly at national size; here
pages are small (``max_returned_rows`` 50), so a few hundred rows take many pages.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest

import storage
from nianbao.serving import make_datasette
from parsers import schema

REPORTS = 600
PAGE = 50


def _fill(path: Path) -> None:
    """``REPORTS`` reports in two years only (ties everywhere), each with its section 三 cells."""
    db = storage.open_db(path)
    rng = random.Random(3)
    ids = [f"r{rng.randrange(10**9):09d}" for _ in range(REPORTS)]
    assert len(set(ids)) == REPORTS
    db["reports"].insert_all(
        {"id": rid, "agency": f"机关{i}", "year": 2021 + i % 2, "county": "甲县", "cells": 3}
        for i, rid in enumerate(ids)
    )
    rows = schema.APPLICATION_ROWS_BY_TEMPLATE["2021"][:3]
    db["applications"].insert_all(
        {"report_id": rid, "row": row, "applicant": "total", "value": n, "raw": str(n)}
        for n, rid in enumerate(ids)
        for row in rows
    )
    storage.refresh_figures(db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("stream") / "nianbao.db"
    _fill(path)
    return make_datasette(path, settings={"max_returned_rows": PAGE}).client


def _stream(client: Any, path: str) -> list[dict[str, str]]:
    response = asyncio.run(client.get(path))
    assert response.status_code == 200, response.text[:300]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", ["reports", "report_summary"])
def test_stream_of_reports_with_equal_years_has_every_row_once(client: Any, table: str) -> None:
    got = [r["id"] for r in _stream(client, f"/nianbao/{table}.csv?_stream=on")]
    assert len(got) == REPORTS
    assert len(set(got)) == REPORTS  # no row twice, none missed


def test_stream_of_a_cell_table_pages_by_rowid_and_has_every_row_once(client: Any) -> None:
    got = _stream(client, "/nianbao/applications.csv?_stream=on")
    keys = [(r["report_id"], r["row"], r["applicant"]) for r in got]
    assert len(keys) == 3 * REPORTS
    assert len(set(keys)) == 3 * REPORTS
    assert [int(r["rowid"]) for r in got] == list(range(1, 3 * REPORTS + 1))
    page = asyncio.run(client.get("/nianbao/applications.json?_size=max")).json()
    assert page["next"] == str(PAGE)  # the next page starts after a rowid, not a 3-column key


def test_cell_tables_of_an_older_database_become_rowid_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    storage.open_db(path).close()
    old = storage.open_db(path)
    old.execute("PRAGMA legacy_alter_table = ON")  # the views keep their text
    old.execute("alter table applications rename to _applications")
    old["_applications"].drop()  # as created before 0006: a compound primary key
    old["applications"].create(
        {"report_id": str, "row": str, "applicant": str, "value": int, "raw": str},
        pk=("report_id", "row", "applicant"),
    )
    old["applications"].insert({"report_id": "r1", "row": "granted", "applicant": "total",
                                "value": 4, "raw": "4"})  # fmt: skip
    old.execute("delete from _sqlite_migrations where name = '0006_cell_tables_rowid'")
    old.close()
    db = storage.open_db(path)
    assert db["applications"].pks == ["rowid"]
    assert [r["value"] for r in db["applications"].rows] == [4]
    unique = [i.columns for i in db["applications"].indexes if i.unique]
    assert unique == [["report_id", "row", "applicant"]]
