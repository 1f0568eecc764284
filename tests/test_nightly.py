"""``nianbao nightly`` orchestration with a stub crawl: working copy, swap, resume, exit status.

The stub stands in for ``python -m nianbao.nightly.crawl``: it writes one value per site into the
working copy and the per-site outcome file the real extension writes, as told by a JSON plan.
The real crawl over the mock portals is in ``tests/test_nightly_crawl.py``.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest
import sqlite_utils

from nianbao.nightly import publish as publishing
from nianbao.nightly.process import hold_lock
from nianbao.nightly.run import NightlyOptions, RunPaths, run_nightly
from nianbao.nightly.summary import (
    EXIT_BAD_INPUT,
    EXIT_BUSY,
    EXIT_CRAWL_FAILED,
    EXIT_OK,
    EXIT_PARSE_FAILURES,
    EXIT_SITES_FAILING,
    SiteOutcome,
)

STUB = r"""
import argparse, json, os, sys, time
from pathlib import Path
import sqlite_utils
p = argparse.ArgumentParser()
for a in ("--sites", "--db", "--jobdir", "--httpcache-dir", "--log-file", "--outcomes"):
    p.add_argument(a)
args = p.parse_args()
plan = json.loads(Path(os.environ["STUB_PLAN"]).read_text())
db = sqlite_utils.Database(args.db)
db.enable_wal()
Path(args.jobdir).mkdir(parents=True, exist_ok=True)
(Path(args.jobdir) / "nightly-closed.json").unlink(missing_ok=True)
with open(args.log_file, "a") as fh:
    fh.write("stub crawl part\n")
if plan.get("crawl_run"):  # the pipelines' run record: they count a stale-cached site as ok
    from storage import open_db, record_run
    record_run(open_db(args.db), status="finished", sites_ok=2, failed_sites=[])
db["cells"].upsert_all([{"site": k, "value": v} for k, v in plan["values"].items()], pk="site")
time.sleep(plan.get("sleep", 0))
sites = {}
for site, state in plan["sites"].items():
    if state == "down":
        sites[site] = {"requests": 3, "fetched": 0, "http_errors": 0, "pages": 1, "reports": 1}
    elif state == "no_report":
        sites[site] = {"requests": 5, "fetched": 5, "http_errors": 0, "pages": 2, "reports": 0}
    else:
        sites[site] = {"requests": 6, "fetched": 6, "http_errors": 1, "pages": 3, "reports": 2}
reason = plan.get("reason", "finished")
Path(args.outcomes).write_text(json.dumps(
    {"finish_reason": reason, "sites": sites, "stats": plan.get("stats", {})}))
(Path(args.jobdir) / "nightly-closed.json").write_text(json.dumps({"reason": reason}))
sys.exit(0 if reason == "finished" else 1)
"""


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Sites CSV, stub crawl, plan file; returns (options, write_plan, command)."""
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "id,name,start_url\na,Site A,http://127.0.0.1:9/a/\nb,Site B,http://127.0.0.1:9/b/\n",
        encoding="utf-8",
    )
    stub = tmp_path / "stub_crawl.py"
    stub.write_text(STUB, encoding="utf-8")
    plan_path = tmp_path / "plan.json"
    monkeypatch.setenv("STUB_PLAN", str(plan_path))

    def write_plan(**plan) -> None:
        plan.setdefault("sites", {"a": "ok", "b": "ok"})
        plan.setdefault("values", {"a": 1, "b": 2})
        plan.setdefault("stats", {"nianbao/reports/new": 4, "nianbao/findings/sum_mismatch": 1})
        plan_path.write_text(json.dumps(plan), encoding="utf-8")

    def command(options, paths, log, outcomes):
        return [
            sys.executable, str(stub), "--sites", str(options.sites), "--db", str(paths.working),
            "--jobdir", str(paths.jobdir), "--httpcache-dir", str(paths.httpcache),
            "--log-file", str(log), "--outcomes", str(outcomes),
        ]  # fmt: skip

    options = NightlyOptions(
        sites=sites, db=tmp_path / "pub" / "nianbao.db", workdir=tmp_path / "work", wait_lock=0
    )
    return options, write_plan, command


def values(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{db.as_uri()}?immutable=1", uri=True)
    try:
        return dict(conn.execute("select site, value from cells").fetchall())
    finally:
        conn.close()


def run(options, command) -> tuple[int, str]:
    out = io.StringIO()
    code = run_nightly(options, out=out, command=command)
    return code, out.getvalue()


def test_first_run_publishes_a_sealed_database_with_its_run_record(setup):
    options, write_plan, command = setup
    write_plan()
    code, text = run(options, command)
    assert code == EXIT_OK, text
    assert values(options.db) == {"a": 1, "b": 2}
    db = sqlite_utils.Database(options.db)
    assert db.execute("pragma journal_mode").fetchone()[0] == "delete"
    run_row = next(db["nightly_runs"].rows)
    assert (run_row["sites_ok"], run_row["sites_failed"], run_row["reports_new"]) == (2, 0, 4)
    assert run_row["findings"] == 1 and run_row["exit_code"] == 0
    assert {r["site_id"]: r["status"] for r in db["site_runs"].rows} == {"a": "ok", "b": "ok"}
    assert "sites: 2 ok, 0 failed" in text and "reports: 4 new" in text
    # the database's count (the stub writes no findings table rows), then this run's
    assert "findings: 0 in the database; 1 (sum_mismatch 1) read this run" in text
    assert run_row["findings_stored"] == 0
    paths = RunPaths(options.workdir)
    assert not paths.run.exists()  # the finished run is cleaned up
    log = paths.log(run_row["run_id"]).read_text(encoding="utf-8")
    assert "stub crawl part" in log and "exit status 0" in log
    assert not Path(str(options.db) + ".previous").exists()


def test_second_run_with_site_down_alerts_keeps_previous_and_publishes_new_values(setup):
    options, write_plan, command = setup
    write_plan()
    assert run(options, command)[0] == EXIT_OK
    options.max_failed_nights = 1
    write_plan(sites={"a": "ok", "b": "down"}, values={"a": 10}, crawl_run=True)
    code, text = run(options, command)
    assert code == EXIT_SITES_FAILING, text
    crawl_run = sqlite_utils.Database(options.db)["crawl_runs"].get(1)
    assert (crawl_run["sites_ok"], crawl_run["failed_sites"]) == (1, '["b"]')
    assert crawl_run["status"] == "finished"
    assert values(options.db) == {"a": 10, "b": 2}
    assert values(Path(str(options.db) + ".previous")) == {"a": 1, "b": 2}
    assert len(publishing.dated_copies(options.db)) == 1
    assert "FAILED b (Site B): down" in text and "site b failed 1 night(s) in a row" in text
    db = sqlite_utils.Database(options.db)
    rows = list(db["site_runs"].rows_where("site_id = 'b'", order_by="started"))
    assert [r["status"] for r in rows] == ["ok", "down"]


def test_a_site_must_fail_n_nights_in_a_row(setup):
    options, write_plan, command = setup
    options.max_failed_nights = 2
    write_plan(sites={"a": "ok", "b": "no_report"})
    assert run(options, command)[0] == EXIT_OK  # one night: not yet
    code, text = run(options, command)
    assert code == EXIT_SITES_FAILING, text
    assert "site b failed 2 night(s) in a row" in text
    write_plan()
    assert run(options, command)[0] == EXIT_OK  # recovered


def test_parse_failures_above_threshold_exit_4(setup):
    options, write_plan, command = setup
    write_plan(stats={"nianbao/reports/new": 2, "nianbao/reports/failed": 2})
    code, text = run(options, command)
    assert code == EXIT_PARSE_FAILURES, text
    assert "2 failed to parse (50%)" in text and values(options.db) == {"a": 1, "b": 2}


def test_reports_lost_by_the_database_exit_4(setup):
    options, write_plan, command = setup
    write_plan(stats={"nianbao/reports/new": 2, "nianbao/store/errors": 1})
    code, text = run(options, command)
    assert code == EXIT_PARSE_FAILURES, text
    assert "1 report(s) could not be written to the database" in text


def test_crawl_stopped_early_publishes_nothing_and_next_run_resumes(setup):
    options, write_plan, command = setup
    write_plan()
    assert run(options, command)[0] == EXIT_OK
    write_plan(values={"a": 5}, reason="shutdown")
    code, text = run(options, command)
    assert code == EXIT_CRAWL_FAILED and "nothing published" in text
    assert values(options.db) == {"a": 1, "b": 2}
    paths = RunPaths(options.workdir)
    state = json.loads(paths.state.read_text())
    assert values(paths.working)["a"] == 5  # the working copy holds the partial crawl
    write_plan(values={"b": 7})
    code, text = run(options, command)
    assert code == EXIT_OK, text
    assert f"nightly run {state['run_id']}" in text and "attempt 2" in text
    assert values(options.db) == {"a": 5, "b": 7}  # both parts of the run published
    assert len(list(sqlite_utils.Database(options.db)["nightly_runs"].rows)) == 2


def test_unreadable_crawl_part_is_an_alert_not_a_silent_loss(setup):
    """A resumed run whose first part's outcomes file is damaged says so in its summary."""
    options, write_plan, command = setup
    write_plan(reason="shutdown")
    run(options, command)
    paths = RunPaths(options.workdir)
    (paths.parts / "001.json").write_text('{"sites": {"a": ', encoding="utf-8")
    write_plan()
    code, text = run(options, command)
    assert code == EXIT_OK, text
    assert "ALERT: crawl outcomes 001.json unreadable (" in text
    assert "its counts are lost" in text
    (alerts,) = [r["alerts"] for r in sqlite_utils.Database(options.db)["nightly_runs"].rows]
    assert alerts.startswith("crawl outcomes 001.json unreadable (") and "\n" not in alerts
    assert values(options.db) == {"a": 1, "b": 2}  # the second part's crawl is published


def test_killed_crawl_queue_is_discarded_on_resume(setup):
    options, write_plan, command = setup
    write_plan(reason="shutdown")
    run(options, command)
    paths = RunPaths(options.workdir)
    (paths.jobdir / "nightly-closed.json").unlink()  # as after SIGKILL: no clean close
    (paths.jobdir / "requests.seen").write_text("x")
    write_plan()
    code, text = run(options, command)
    assert code == EXIT_OK and "killed without saving" in text


def test_run_abandoned_after_max_attempts(setup):
    options, write_plan, command = setup
    options.max_attempts = 2
    write_plan(reason="shutdown")
    assert run(options, command)[0] == EXIT_CRAWL_FAILED
    first = json.loads(RunPaths(options.workdir).state.read_text())["run_id"]
    assert run(options, command)[0] == EXIT_CRAWL_FAILED
    code, text = run(options, command)
    assert "abandoning it" in text and code == EXIT_CRAWL_FAILED
    assert json.loads(RunPaths(options.workdir).state.read_text())["attempts"] == 1
    assert first  # a new run id was started (same second possible, attempts reset)


def test_busy_workdir_exits_6(setup):
    options, write_plan, command = setup
    write_plan()
    options.workdir.mkdir(parents=True)
    with hold_lock(RunPaths(options.workdir).lock, 0) as fd:
        assert fd is not None
        assert run(options, command)[0] == EXIT_BUSY
    assert run(options, command)[0] == EXIT_OK


def test_bad_sites_file_exits_2(setup, tmp_path):
    options, _, command = setup
    options.sites = tmp_path / "missing.csv"
    code, text = run(options, command)
    assert code == EXIT_BAD_INPUT and "cannot read sites file" in text


def test_corrupt_working_copy_is_not_published(tmp_path):
    published = tmp_path / "pub.db"
    sqlite_utils.Database(published)["t"].insert({"v": 1})
    working = tmp_path / "work.db"
    working.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(publishing.PublishError):
        publishing.publish(working, published)
    assert values_of(published) == [1]


def values_of(path: Path) -> list[int]:
    return [r[0] for r in sqlite3.connect(path).execute("select v from t")]


def test_keep_prunes_dated_copies(tmp_path):
    published = tmp_path / "pub.db"
    for name in ("pub.db.20200101T000000Z", "pub.db.20210101T000000Z"):
        (tmp_path / name).write_bytes(b"old")
    sqlite_utils.Database(published)["t"].insert({"v": 1})
    working = tmp_path / "work.db"
    publishing.copy_database(published, working)
    sqlite_utils.Database(working)["t"].insert({"v": 2})
    publishing.publish(working, published, keep=2)
    kept = publishing.dated_copies(published)
    assert len(kept) == 2 and kept[1].name == "pub.db.20210101T000000Z"
    assert values_of(kept[0]) == [1] and values_of(published) == [1, 2]


@pytest.mark.parametrize(
    ("counts", "status"),
    [
        ({"requests": 4, "fetched": 0, "http_errors": 0, "reports": 2}, "down"),
        ({"requests": 4, "fetched": 0, "http_errors": 4, "reports": 0}, "down"),
        ({"requests": 4, "fetched": 4, "http_errors": 0, "reports": 0}, "no_report"),
        ({"requests": 0, "fetched": 0, "http_errors": 0, "reports": 3}, "ok"),  # all fresh
        ({"requests": 9, "fetched": 5, "http_errors": 4, "reports": 1}, "ok"),
    ],
)
def test_site_status_rules(counts, status):
    assert SiteOutcome(site_id="s", name="S", **counts).judge().status == status


def test_every_site_failing_publishes_nothing(setup):
    options, write_plan, command = setup
    write_plan()
    assert run(options, command)[0] == EXIT_OK
    write_plan(sites={"a": "down", "b": "no_report"}, values={"a": 99})
    code, text = run(options, command)
    assert code == EXIT_CRAWL_FAILED and "every site failed" in text
    assert values(options.db) == {"a": 1, "b": 2}
    assert not RunPaths(options.workdir).run.exists()  # finished: nothing to resume


def test_cli_rejects_bad_thresholds_and_missing_sites(tmp_path, capsys):
    from nianbao.cli import main

    db = str(tmp_path / "n.db")
    assert main(["nightly", "--sites", "x.csv", "--db", db, "--max-failed-nights", "0"]) == 2
    assert main(["nightly", "--sites", "x.csv", "--db", db, "--max-parse-failure-rate", "2"]) == 2
    assert main(["nightly", "--sites", str(tmp_path / "none.csv"), "--db", db]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "--max-failed-nights ≥ 1" in out and "cannot read sites file" in out
    assert not (tmp_path / "n.db").exists()


def test_default_workdir_is_beside_the_database(setup):
    options, write_plan, command = setup
    options.workdir = None
    write_plan()
    assert run(options, command)[0] == EXIT_OK
    assert list((options.db.parent / "nightly" / "logs").glob("*.log"))


def test_publish_copies_when_the_working_copy_cannot_be_renamed_over(tmp_path, monkeypatch):
    published = tmp_path / "pub.db"
    sqlite_utils.Database(published)["t"].insert({"v": 1})
    working = tmp_path / "work.db"
    publishing.copy_database(published, working)
    sqlite_utils.Database(working)["t"].insert({"v": 2})

    def no_links(*args):  # as on another filesystem (or one without hard links)
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(publishing.os, "link", no_links)
    publishing.publish(working, published, keep=1)
    assert values_of(published) == [1, 2]
    assert values_of(tmp_path / "pub.db.previous") == [1]  # copied, not linked
    assert not (tmp_path / ".pub.db.incoming").exists()
