"""Kill anywhere: ``kill -9`` of a crawl (while fetching, parsing, writing) or of a publish.

After each kill the database passes ``PRAGMA integrity_check``; a rerun ends with exactly the
rows of an uninterrupted crawl (reports, cells, findings, sources, pages); the published file
is always a whole database (the old one or the new one), never half written.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.testing.portalserver import serve_portals

SITES = ("pagelist", "trs")
TABLES = {
    "reports": "id, content_hash, title, agency, year",
    "applications": "report_id, row, applicant, value",
    "active_disclosure": "report_id, item, metric, value",
    "review_litigation": "report_id, proceeding, outcome, value",
    "findings": "report_id, rule, severity, page_url",
    "report_sources": "report_id, url, kind",
    "pages": "url, classification, report_id",
}


def crawl_argv(urls: list[str], work: Path) -> list[str]:
    return [
        sys.executable, "-m", "nianbao.commands.crawl", *urls,
        "--settings", "crawler.settings.test", "--db", str(work / "nianbao.db"),
        "--files", str(work / "files"), "--httpcache", str(work / "httpcache"),
    ]  # fmt: skip


def rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        return {
            t: sorted(conn.execute(f"select {c} from {t}").fetchall()) for t, c in TABLES.items()
        }
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def count_reports(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.1)
        try:
            return conn.execute("select count(*) from reports").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def portals():
    with serve_portals(SITES, lifetime=300) as servers:
        yield servers


@pytest.fixture(scope="module")
def reference(portals, tmp_path_factory) -> dict[str, list[tuple]]:
    """The rows of an uninterrupted crawl."""
    work = tmp_path_factory.mktemp("reference")
    urls = [s.url(s.expected["start_path"]) for s in portals.values()]
    env = dict(os.environ, NIANBAO_DATA=str(work / "data"))
    subprocess.run(crawl_argv(urls, work), env=env, capture_output=True, timeout=120)
    found = rows(work / "nianbao.db")
    assert len(found["reports"]) >= 10
    return found


def _requests(portals) -> int:
    return sum(len(s.requests) for s in portals.values())


POINTS: dict[str, Callable[[object, subprocess.Popen, Path], bool]] = {
    "fetch": lambda portals, proc, db: _requests(portals) >= 4,
    "parse": lambda portals, proc, db: bool(children(proc.pid)),  # the parser worker is up
    "write": lambda portals, proc, db: count_reports(db) >= 1,
    "write-late": lambda portals, proc, db: count_reports(db) >= 8,
}


@pytest.mark.parametrize("point", list(POINTS))
def test_crawl_killed_then_rerun_ends_with_the_same_rows(
    portals, reference, tmp_path: Path, point: str
) -> None:
    urls = [s.url(s.expected["start_path"]) for s in portals.values()]
    env = dict(os.environ, NIANBAO_DATA=str(tmp_path / "data"))
    db = tmp_path / "nianbao.db"
    for server in portals.values():
        server.clear_log()
    proc = subprocess.Popen(
        crawl_argv(urls, tmp_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not POINTS[point](portals, proc, db):
        assert proc.poll() is None, f"the crawl ended before the point {point!r}"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the crawl and its parser worker
    proc.wait(timeout=10)
    if db.exists():
        assert integrity(db) == "ok"
    rerun = subprocess.run(crawl_argv(urls, tmp_path), env=env, capture_output=True, timeout=120)
    assert rerun.returncode in (0, 1), rerun.stderr[-2000:]
    assert integrity(db) == "ok"
    assert rows(db) == reference


PUBLISH = """
import sys
from pathlib import Path
from nianbao.nightly.publish import publish
publish(Path(sys.argv[1]), Path(sys.argv[2]), keep=1)
"""


def _database(path: Path, marker: str, rows_count: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("create table t (marker text, filler blob)")
    conn.executemany(
        "insert into t values (?, randomblob(4096))", [(marker,) for _ in range(rows_count)]
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2])
def test_publish_killed_leaves_a_whole_database(tmp_path: Path, delay: float) -> None:
    published, working = tmp_path / "pub" / "nianbao.db", tmp_path / "work.db"
    published.parent.mkdir()
    _database(published, "old", 500)
    _database(working, "new", 5000)  # 20 MB: copying and checking takes a while
    proc = subprocess.Popen([sys.executable, "-c", PUBLISH, str(working), str(published)])
    time.sleep(delay + 0.15)  # the interpreter starts in ~0.1 s
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert integrity(published) == "ok"
    conn = sqlite3.connect(f"{published.as_uri()}?immutable=1", uri=True)
    markers = conn.execute("select marker, count(*) from t group by marker").fetchall()
    conn.close()
    assert markers in ([("old", 500)], [("new", 5000)])


def test_datasette_reads_whole_reports_while_a_crawl_writes(portals, reference, tmp_path: Path):
    """Readers of the crawl's own database (Datasette, not immutable) during the crawl: never
    "database is locked", and a report is seen with all its cells or not at all."""
    import asyncio

    from datasette.app import Datasette

    urls = [s.url(s.expected["start_path"]) for s in portals.values()]
    env = dict(os.environ, NIANBAO_DATA=str(tmp_path / "data"))
    db = tmp_path / "nianbao.db"
    proc = subprocess.Popen(
        crawl_argv(urls, tmp_path), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    sql = (
        "select r.id, (select count(*) from applications a where a.report_id = r.id)"
        " + (select count(*) from active_disclosure a where a.report_id = r.id) from reports r"
    )
    seen: dict[str, set[int]] = {}
    reads = errors = 0
    ds = None
    deadline = time.monotonic() + 90
    while proc.poll() is None and time.monotonic() < deadline:
        if ds is None:
            if count_reports(db) == 0:
                time.sleep(0.01)
                continue
            ds = Datasette([str(db)])
        response = asyncio.run(
            ds.client.get("/nianbao.json", params={"sql": sql, "_shape": "array"})
        )
        if response.status_code != 200:
            errors += 1
            continue
        reads += 1
        for row in response.json():
            values = list(row.values())
            seen.setdefault(values[0], set()).add(values[1])
    assert proc.wait(timeout=60) in (0, 1)
    final = {}
    for report_id, *_ in reference["reports"]:
        final[report_id] = sum(1 for r in reference["applications"] if r[0] == report_id) + sum(
            1 for r in reference["active_disclosure"] if r[0] == report_id
        )
    assert errors == 0 and reads > 3
    assert seen, "no report was read during the crawl"
    assert {rid: counts for rid, counts in seen.items()} == {rid: {final[rid]} for rid in seen}
