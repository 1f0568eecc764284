"""Sealing a database for publishing (``nianbao.nightly.publish.seal``): the planner's
statistics it stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nianbao.nightly.publish import seal


def test_seal_reads_tables_whole_and_samples_the_cell_tables(tmp_path: Path) -> None:
    path = tmp_path / "nianbao.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table reports (id integer primary key, level text)")
        conn.execute("create index idx_reports_level on reports (level)")
        levels = [("county" if i % 3 else "township",) for i in range(5000)]
        conn.executemany("insert into reports (level) values (?)", levels)
        conn.execute("create table applications (report_id integer, value integer)")
        conn.execute("create index idx_applications_report on applications (report_id)")
        conn.executemany(
            "insert into applications values (?, ?)", [(i // 50, i) for i in range(5000)]
        )
    seal(path)
    with sqlite3.connect(path) as conn:
        stats = dict(conn.execute("select idx, stat from sqlite_stat1"))
    # reports: every row read (5,000 rows, 2,500 per level on average), not a sample of 1,000
    assert stats["idx_reports_level"] == "5000 2500"
    # the cell tables: a sample, so the row count is an estimate
    assert stats["idx_applications_report"].split()[0] != "5000"
