"""``nianbao nightly --redis``: the nightly crawl shared by workers through a real Redis.

Two local workers crawl the mock portals, the nightly process writes the working copy and
publishes it: the same reports, cells, pages and site verdicts as the single-process nightly,
no URL fetched twice; a second run over unchanged portals stores nothing new (incremental).
Also: Redis unreachable (one line: exit 7, and 2 for ``nianbao crawl|store --redis``) and
workers that never come (bounded wait, exit 5, the run resumed by the next invocation).
"""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from nianbao.demo import write_sites_csv
from nianbao.nightly.run import NightlyOptions, RunPaths, run_nightly
from nianbao.nightly.summary import EXIT_CRAWL_FAILED, EXIT_OK, EXIT_REDIS
from nianbao.testing.portalserver import PortalServer, serve_portals
from nianbao.testing.redisserver import REDIS_SERVER, free_port
from tests.test_distributed import COMPARED as CRAWL_TABLES

needs_redis = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt)")

SITES = ("pagelist", "trs", "townships")

# Published rows compared between the two nightlies: the crawl's tables (as the distributed
# crawl test compares them) and the nightly's own, every column but timestamps and run ids.
COMPARED = {
    **CRAWL_TABLES,
    "refused_urls": "SELECT url, reason, site FROM refused_urls",
    "site_runs": "SELECT site_id, status, reason, pages, reports FROM site_runs",
    "nightly_runs": "SELECT sites_ok, sites_failed, reports_new, reports_changed,"
    " reports_unchanged, reports_failed, exit_code, alerts FROM nightly_runs",
}


@pytest.fixture(scope="module")
def portals() -> Iterator[dict[str, PortalServer]]:
    with serve_portals(SITES, lifetime=300) as servers:
        yield servers


def _nightly(work: Path, sites: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "nianbao", "nightly", "--sites", str(sites),
            "--db", str(work / "pub" / "nianbao.db"), "--workdir", str(work / "nightly"),
            "--wait-lock", "5", *extra]  # fmt: skip
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings.test",
               NIANBAO_DATA=str(work / "data"))  # fmt: skip
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=150)


def _rows(db: Path) -> dict[str, Counter]:
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    try:
        return {name: Counter(conn.execute(sql).fetchall()) for name, sql in COMPARED.items()}
    finally:
        conn.close()


def _requests(portals: dict[str, PortalServer]) -> Counter:
    return Counter((key, r.path) for key, server in portals.items() for r in server.requests)


def _clear(portals: dict[str, PortalServer]) -> None:
    for server in portals.values():
        server.clear_log()


@needs_redis
def test_two_workers_publish_what_the_single_process_nightly_publishes(
    portals, redis_url, tmp_path
):
    sites = write_sites_csv(portals, tmp_path / "sites.csv")
    _clear(portals)
    single = _nightly(tmp_path / "single", sites)
    assert single.returncode == EXIT_OK, single.stdout + single.stderr
    single_requests = _requests(portals)

    _clear(portals)
    shared_work = tmp_path / "shared"
    first = _nightly(shared_work, sites, "--redis", redis_url, "--workers", "2")
    assert first.returncode == EXIT_OK, first.stdout + first.stderr
    made = _requests(portals)
    expected = _rows(tmp_path / "single" / "pub" / "nianbao.db")
    published = shared_work / "pub" / "nianbao.db"
    assert sum(expected["reports"].values()) >= 20
    assert _rows(published) == expected
    assert [r for r, n in made.items() if n > 1] == []  # no URL fetched twice
    assert set(made) == set(single_requests)
    assert "sites: 3 ok, 0 failed" in first.stdout
    log = next((shared_work / "nightly" / "logs").glob("*.log")).read_text(encoding="utf-8")
    assert "with 2 local worker(s)" in log and "from 2 worker(s) that closed" in log
    assert "local workers exited with status" not in log  # both ran to the end

    _clear(portals)  # the second night: nothing changed on the portals
    second = _nightly(shared_work, sites, "--redis", redis_url, "--workers", "2")
    assert second.returncode == EXIT_OK, second.stdout + second.stderr
    reports = sum(expected["reports"].values())
    conn = sqlite3.connect(f"{published.as_uri()}?immutable=1", uri=True)
    try:
        runs = conn.execute(
            "select reports_new, reports_changed, reports_unchanged, sites_ok"
            " from nightly_runs order by started"
        ).fetchall()
        stored = conn.execute("select count(*) from reports").fetchone()[0]
    finally:
        conn.close()
    assert runs[0][:2] == (reports, 0) and runs[1] == (0, 0, reports, 3)
    assert stored == reports
    assert _rows(published)["applications"] == expected["applications"]
    assert "reports: 0 new, 0 changed" in second.stdout
    statuses = Counter(r.status for s in portals.values() for r in s.requests)
    assert statuses[304] > 0  # the shared HTTP cache revalidated the unchanged pages


def _options(tmp_path: Path, redis: str, **kw) -> NightlyOptions:
    sites = tmp_path / "sites.csv"
    sites.write_text("id,name,start_url\na,Site A,http://127.0.0.1:9/a/\n", encoding="utf-8")
    return NightlyOptions(
        sites=sites, db=tmp_path / "pub" / "nianbao.db", workdir=tmp_path / "work",
        wait_lock=0, redis=redis, **kw,
    )  # fmt: skip


def test_redis_unreachable_is_one_line_and_exit_7(tmp_path):
    out = io.StringIO()
    url = f"redis://127.0.0.1:{free_port()}/0"
    assert run_nightly(_options(tmp_path, url), out=out) == EXIT_REDIS
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"nianbao nightly: cannot reach Redis at {url}")
    assert not (tmp_path / "work" / "run").exists()  # nothing started


@pytest.mark.parametrize("command", ["crawl", "store"])
def test_crawl_and_store_say_in_one_line_that_redis_is_unreachable(command, capsys, tmp_path):
    from nianbao.cli import main

    url = f"redis://127.0.0.1:{free_port()}/0"
    sites = tmp_path / "sites.csv"
    sites.write_text("id,name,start_url\na,Site A,http://127.0.0.1:9/a/\n", encoding="utf-8")
    args = ["--sites", str(sites)] if command == "crawl" else ["--db", str(tmp_path / "x.db")]
    assert main([command, "--redis", url, *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"nianbao {command}: cannot reach Redis at {url}: Error 111 connecting to "
                   f"127.0.0.1:{url.split(':')[2].split('/')[0]}. Connection refused"]  # fmt: skip


def test_redis_password_is_not_printed(tmp_path):
    out = io.StringIO()
    url = f"redis://:s3cret@127.0.0.1:{free_port()}/0"
    assert run_nightly(_options(tmp_path, url), out=out) == EXIT_REDIS
    assert "s3cret" not in out.getvalue() and ":***@127.0.0.1" in out.getvalue()


@needs_redis
def test_workers_that_never_come_stop_the_run_and_the_next_run_resumes(
    portals, redis_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("NIANBAO_DATA", str(tmp_path / "data"))
    sites = write_sites_csv({"pagelist": portals["pagelist"]}, tmp_path / "sites.csv")
    options = NightlyOptions(
        sites=sites, db=tmp_path / "pub" / "nianbao.db", workdir=tmp_path / "work",
        wait_lock=0, settings="crawler.settings.test", redis=redis_url, workers=0,
        wait_workers=2,
    )  # fmt: skip
    out = io.StringIO()
    assert run_nightly(options, out=out) == EXIT_CRAWL_FAILED
    text = out.getvalue()
    assert "no worker alive for 2 s before the crawl finished" in text
    assert "published: no" in text
    paths = RunPaths(tmp_path / "work")
    assert paths.state.exists() and paths.working.exists()  # kept for the next run
    assert not options.db.exists()

    options.workers = 1  # the next invocation, with a worker: the same run, published
    out = io.StringIO()
    assert run_nightly(options, out=out) == EXIT_OK, out.getvalue()
    assert "attempt 2" in out.getvalue() and "kept in Redis" in out.getvalue()
    expected = len(portals["pagelist"].expected["reports"])
    conn = sqlite3.connect(f"{options.db.as_uri()}?immutable=1", uri=True)
    try:
        assert conn.execute("select count(*) from reports").fetchone()[0] >= expected
        assert conn.execute("select status from site_runs").fetchall() == [("ok",)]
    finally:
        conn.close()
    assert not paths.run.exists()


@needs_redis
def test_a_run_stopped_by_sigterm_is_resumed_from_redis(portals, redis_url, tmp_path):
    """SIGTERM (systemctl stop) mid-crawl: the workers stop cleanly, nothing is published, the
    crawl stays in Redis; the next invocation finishes it and publishes every report."""
    sites = write_sites_csv(portals, tmp_path / "sites.csv")
    _clear(portals)
    argv = [sys.executable, "-m", "nianbao", "nightly", "--sites", str(sites),
            "--db", str(tmp_path / "pub" / "nianbao.db"), "--workdir", str(tmp_path / "nightly"),
            "--redis", redis_url, "--workers", "2"]  # fmt: skip
    env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings.test",
               NIANBAO_DATA=str(tmp_path / "data"))  # fmt: skip
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while sum(len(s.requests) for s in portals.values()) < 15:
        assert proc.poll() is None and time.monotonic() < deadline, "the crawl ended too early"
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out = proc.communicate(timeout=90)[0]
    assert proc.returncode == EXIT_CRAWL_FAILED, out
    assert "stopped by a signal" in out and "published: no" in out
    assert not (tmp_path / "pub" / "nianbao.db").exists()
    import redis

    assert redis.Redis.from_url(redis_url).exists("nianbao:annual_reports:dupefilter")

    resumed = _nightly(tmp_path, sites, "--redis", redis_url, "--workers", "2")
    assert resumed.returncode == EXIT_OK, resumed.stdout + resumed.stderr
    assert "attempt 2" in resumed.stdout and "continuing the crawl kept in Redis" in resumed.stdout
    expected = {r["url"] for s in portals.values() for r in s.expected["reports"]}
    conn = sqlite3.connect(f"{(tmp_path / 'pub' / 'nianbao.db').as_uri()}?immutable=1", uri=True)
    try:
        urls = {u for (u,) in conn.execute("select url from report_sources")}
    finally:
        conn.close()
    assert {urlsplit(u).path for u in urls} >= expected  # every report of the portals
    assert list(redis.Redis.from_url(redis_url).scan_iter("nianbao:*")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workers", "2"], "--workers and --wait-workers go with --redis URL"),
        (["--redis", "redis://127.0.0.1:1/0", "--workers", "-1"], "--workers ≥ 0"),
        (["--redis", "notaurl"], "--redis notaurl: not a Redis URL"),
    ],
)
def test_nightly_redis_options_are_checked(args, message, capsys, tmp_path):
    from nianbao.cli import main

    sites = tmp_path / "sites.csv"
    sites.write_text("id,name,start_url\na,Site A,http://127.0.0.1:9/a/\n", encoding="utf-8")
    db = tmp_path / "pub" / "nianbao.db"
    assert main(["nightly", "--sites", str(sites), "--db", str(db), *args]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and message in out[0]
