"""``nianbao nightly`` end to end: real crawls of the mock portals, published atomically.

Each run is a subprocess (``python -m nianbao nightly``; the crawl is a further subprocess) with
the test settings; the mock portals run in this process, so the tests can change a report,
take a site down and count the requests made.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from nianbao.nightly.process import hold_lock
from nianbao.nightly.run import RunPaths
from nianbao.nightly.summary import EXIT_CRAWL_FAILED, EXIT_OK, EXIT_SITES_FAILING
from nianbao.testing.portalserver import PortalServer, serve_portals

pytestmark = pytest.mark.slow

CHANGED = "applications.new_received.total"  # the cell the second night changes


@contextmanager
def serve(tmp_path: Path, sites: tuple[str, ...]) -> Iterator[dict[str, PortalServer]]:
    """Mock portals for ``sites`` and their registry ``tmp_path/sites.csv``."""
    with serve_portals(sites, lifetime=120) as servers:
        lines = ["id,name,start_url"]
        lines += [f"{key},{s.expected['name']},{s.url(s.expected['start_path'])}"
                  for key, s in servers.items()]  # fmt: skip
        (tmp_path / "sites.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield servers


@pytest.fixture
def portals(tmp_path: Path) -> Iterator[dict[str, PortalServer]]:
    with serve(tmp_path, ("pagelist", "trs")) as servers:
        yield servers


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[dict[str, PortalServer]]:
    with serve(tmp_path, ("pagelist",)) as servers:
        yield servers


def nightly_argv(tmp_path: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "nianbao", "nightly",
        "--sites", str(tmp_path / "sites.csv"), "--db", str(tmp_path / "pub" / "nianbao.db"),
        "--workdir", str(tmp_path / "work"), "--wait-lock", "30", *extra,
    ]  # fmt: skip


def nightly_env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        SCRAPY_SETTINGS_MODULE="crawler.settings.test",
        NIANBAO_DATA=str(tmp_path / "data"),  # attachments (FILES_STORE) of the test crawl
    )


def run_nightly(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        nightly_argv(tmp_path, *extra), env=nightly_env(tmp_path), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the published file the way Datasette does (immutable)."""
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def report_value(db: Path, url_path: str, cell: str) -> float | None:
    _, row, applicant = cell.split(".")
    rows = query(
        db,
        "select a.value from applications a join report_sources s on s.report_id = a.report_id "
        "where s.url like ? and a.row = ? and a.applicant = ?",
        (f"%{url_path}", row, applicant),
    )
    return rows[0][0] if rows else None


def report_rules(db: Path, url_path: str) -> list[str]:
    """The finding rules of the report published from ``url_path``."""
    rows = query(
        db,
        "select distinct f.rule from findings f join report_sources s"
        " on s.report_id = f.report_id where s.url like ? order by f.rule",
        (f"%{url_path}",),
    )
    return [r[0] for r in rows]


def assert_manifest_findings(db: Path, servers: dict[str, PortalServer]) -> None:
    """Each manifest report is published with the findings (by rule) its manifest lists."""
    for server in servers.values():
        for report in server.expected["reports"]:
            got = report_rules(db, report["url"])
            assert got == report["findings"], (server.key, report["url"])


def change_cell(server: PortalServer, url_path: str, old: int, new: int) -> None:
    """Serve the report with its 新收 total (the last cell of that row) changed."""
    html = server.read_page(url_path).decode(server.charset)
    row = html.index("新收政府信息公开申请数量")
    at = html.rindex(f">{old}<", row, html.index("</tr>", row))
    server.set_page(url_path, html[:at] + f">{new}<" + html[at + len(f">{old}<") :])


def test_two_nights_change_and_site_down_readers_never_fail(portals, tmp_path):
    pub = tmp_path / "pub" / "nianbao.db"
    first = run_nightly(tmp_path)
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    report = portals["pagelist"].expected["reports"][0]
    old = report["cells"][CHANGED]
    assert report_value(pub, report["url"], CHANGED) == old
    reports_night_1 = query(pub, "select count(*) from reports")[0][0]
    assert reports_night_1 >= len(portals["pagelist"].expected["reports"])
    assert "sites: 2 ok, 0 failed" in first.stdout
    assert_manifest_findings(pub, portals)
    assert report_rules(pub, report["url"]) == []

    change_cell(portals["pagelist"], report["url"], old, old + 100)
    portals["trs"].down = True
    for server in portals.values():
        server.clear_log()
    seen: list[object] = []
    stop = threading.Event()

    def reader() -> None:  # a Datasette-like reader of the published path during the run
        while not stop.is_set():
            try:
                value = report_value(pub, report["url"], CHANGED)
                count = query(pub, "select count(*) from reports")[0][0]
                seen.append((value, count))
            except Exception as exc:  # any failure is the finding
                seen.append(exc)
            time.sleep(0.005)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        second = run_nightly(tmp_path, "--max-failed-nights", "1")
    finally:
        stop.set()
        thread.join()
    assert second.returncode == EXIT_SITES_FAILING, second.stdout + second.stderr
    errors = [s for s in seen if isinstance(s, Exception)]
    assert not errors, errors[:3]
    assert {v for v, _ in seen} <= {old, old + 100} and len(seen) > 10
    assert all(count >= reports_night_1 for _, count in seen)  # never a half-written file
    assert report_value(pub, report["url"], CHANGED) == old + 100
    # 新收 总计 changed alone: the row's sum and the 总计 column's 勾稽关系 fail now.
    assert report_rules(pub, report["url"]) == ["applicant_total_sum", "balance"]
    previous = Path(str(pub) + ".previous")
    assert report_value(previous, report["url"], CHANGED) == old
    assert portals["pagelist"].paths_requested(304), "unchanged pages were revalidated"
    assert set(portals["trs"].paths_requested()) and all(
        r.status == 503 for r in portals["trs"].requests
    )
    sites = dict(query(pub, "select site_id, status from site_runs where run_id = "
                            "(select max(run_id) from nightly_runs)"))  # fmt: skip
    assert sites == {"pagelist": "ok", "trs": "down"}
    run = query(pub, "select sites_ok, sites_failed, reports_changed, exit_code, alerts "
                     "from nightly_runs order by run_id desc limit 1")[0]  # fmt: skip
    assert run[:2] == (1, 1) and run[2] >= 1 and run[3] == EXIT_SITES_FAILING
    assert "site trs failed 1 night(s) in a row" in run[4]
    assert query(pub, "select count(*) from crawl_runs")[0][0] >= 2
    assert "FAILED trs" in second.stdout and "1 failed" in second.stdout
    trs = query(pub, "select fetched, http_errors, reports from site_runs where site_id = 'trs' "
                     "order by run_id desc limit 1")[0]  # fmt: skip
    assert trs[0] == 0 and trs[1] > 0  # every answer an error (503) ...
    assert trs[2] > 0  # ... though the HTTP cache served its reports: still "down"


def crawl_child(pid: int) -> int | None:
    """The crawl process started by the nightly process ``pid`` (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    ids = children.read_text().split() if children.exists() else []
    return int(ids[0]) if ids else None


def start_and_kill(portals, tmp_path: Path, *, kill_crawl: bool) -> None:
    """Start a nightly run and SIGKILL it (or its crawl process) once requests were made."""
    proc = subprocess.Popen(
        nightly_argv(tmp_path), env=nightly_env(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while sum(len(s.requests) for s in portals.values()) < 8:
        assert proc.poll() is None and time.monotonic() < deadline, "crawl ended too early"
        time.sleep(0.01)
    target = crawl_child(proc.pid) if kill_crawl else proc.pid
    assert target is not None
    os.kill(target, signal.SIGKILL)
    out = proc.communicate(timeout=60)[0]
    if kill_crawl:
        assert proc.returncode == EXIT_CRAWL_FAILED, out


def test_killed_runs_are_resumed_and_published_db_stays_intact(portal, tmp_path):
    """SIGKILL of ``nianbao nightly`` (its crawl stops cleanly, JOBDIR resumed), then of the
    crawl process itself (queue lost: crawled again into the same working copy)."""
    pub = tmp_path / "pub" / "nianbao.db"
    assert run_nightly(tmp_path).returncode == EXIT_OK
    report = portal["pagelist"].expected["reports"][0]
    value = report["cells"][CHANGED]
    paths = RunPaths(tmp_path / "work")
    for kill_crawl, new_value in ((False, value + 7), (True, value + 9)):
        before = query(pub, "select id, content_hash from reports order by id")
        change_cell(portal["pagelist"], report["url"], value, new_value)
        portal["pagelist"].clear_log()

        start_and_kill(portal, tmp_path, kill_crawl=kill_crawl)
        with hold_lock(paths.lock, 30) as fd:  # the crawl process has ended
            assert fd is not None
        marker = paths.jobdir / "nightly-closed.json"
        if kill_crawl:  # no clean close: Scrapy's queue died with the process
            assert not marker.exists()
        else:  # the crawl got SIGTERM when its parent died and saved its queue in the JOBDIR
            assert json.loads(marker.read_text())["reason"] == "shutdown"
            assert (paths.jobdir / "requests.queue" / "active.json").exists()
        assert paths.state.exists() and paths.working.exists()  # the run waits to be resumed
        assert query(pub, "select id, content_hash from reports order by id") == before
        assert query(pub, "pragma integrity_check") == [("ok",)]
        assert report_value(pub, report["url"], CHANGED) == value
        run_id = json.loads(paths.state.read_text())["run_id"]

        resumed = run_nightly(tmp_path)
        assert resumed.returncode == EXIT_OK, resumed.stdout + resumed.stderr
        assert f"nightly run {run_id}" in resumed.stdout and "attempt 2" in resumed.stdout
        assert report_value(pub, report["url"], CHANGED) == new_value
        log = paths.log(run_id).read_text(encoding="utf-8")
        assert f"resuming run {run_id} (attempt 2) with its working copy and JOBDIR" in log
        assert ("killed without saving Scrapy's request queue" in log) == kill_crawl
        assert not paths.run.exists()
        value = new_value
