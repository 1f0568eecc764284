"""The unattended nightly crawl: crawl into a working copy, check it, publish it atomically.

Layout of the work directory (``--workdir``, default ``<db dir>/nightly``)::

    nightly.lock          flock held by the run (and its crawl process) for its whole life
    httpcache/            Scrapy's HTTP cache, kept between runs: crawls are incremental
    logs/<run>.log        one log per run: this module's lines, Scrapy's LOG_FILE, the summary
    run/state.json        the run in progress: id, start, attempts
    run/working.db        the working copy of the published database the crawl writes into
    run/job/              Scrapy's JOBDIR: a run stopped early is resumed by the next invocation
    run/parts/NNN.json    per-site outcomes and stats of each crawl process of the run
                          (with ``--redis``: of each worker, and of the store)

A run that finishes publishes ``working.db`` over ``--db`` (see :mod:`nianbao.nightly.publish`) and
removes ``run/``; a run that stops early (killed, shut down, crashed) leaves ``run/`` behind and
the next invocation resumes it: same run id, same working copy, same JOBDIR. Scrapy saves its
request queue only when it shuts down cleanly (SIGTERM/SIGINT, which this module forwards, and
which the crawl process also receives when this process dies); after an unclean kill the queue
is lost, so the JOBDIR is cleared and the crawl starts over into the same working copy, cheap
because the HTTP cache holds every page already fetched.

With ``--redis`` the crawl is shared by workers through Redis and this process writes the
working copy (:mod:`nianbao.nightly.shared`); the rest of the run is the same.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from crawler import stats as keys
from crawler.sites import load_sites
from nianbao.nightly import publish, shared
from nianbao.nightly.options import NightlyOptions, RunPaths, crawl_env
from nianbao.nightly.process import die_with_parent, forward_signals, hold_lock
from nianbao.nightly.summary import (
    EXIT_BAD_INPUT,
    EXIT_BUSY,
    EXIT_CRAWL_FAILED,
    EXIT_OK,
    EXIT_PARSE_FAILURES,
    EXIT_REDIS,
    EXIT_SITES_FAILING,
    RunSummary,
    failing_streaks,
    merge_parts,
    read_parts,
    store_run,
    stored_findings,
)
from nianbao.redisconn import RedisUnavailable, check_redis
from storage import open_db, record_run

CrawlCommand = Callable[[NightlyOptions, RunPaths, Path, Path], list[str]]


def crawl_command(options: NightlyOptions, paths: RunPaths, log: Path, outcomes: Path) -> list[str]:
    """The crawl process: ``python -m nianbao.nightly.crawl`` with the run's paths."""
    return [
        sys.executable,
        "-m",
        "nianbao.nightly.crawl",
        "--sites", str(options.sites.resolve()),
        "--db", str(paths.working),
        "--jobdir", str(paths.jobdir),
        "--httpcache-dir", str(paths.httpcache),
        "--log-file", str(log),
        "--outcomes", str(outcomes),
    ]  # fmt: skip


class RunLog:
    """This module's lines: timestamped into the run's log file, and echoed to ``out``."""

    def __init__(self, path: Path, out: IO[str] | None) -> None:
        self.path = path
        self.out = out
        path.parent.mkdir(parents=True, exist_ok=True)

    def __call__(self, message: str, *, echo: bool = True) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        with self.path.open("a", encoding="utf-8") as fh:
            for line in message.splitlines() or [""]:
                fh.write(f"{stamp} [nianbao.nightly] {line}\n")
        if echo and self.out is not None:
            print(message, file=self.out, flush=True)


def run_nightly(
    options: NightlyOptions,
    *,
    out: IO[str] | None = None,
    command: CrawlCommand = crawl_command,
) -> int:
    """One nightly run (or the resumption of an interrupted one); returns the exit status.

    Messages and the summary go to ``out`` (default: standard output) and the run's log.
    """
    out = out or sys.stdout
    try:
        sites = load_sites(options.sites)
    except (OSError, ValueError, KeyError) as exc:
        _say(out, f"nianbao nightly: cannot read sites file {options.sites}: {exc}")
        return EXIT_BAD_INPUT
    if not sites:
        _say(out, f"nianbao nightly: no sites (no start_url column values) in {options.sites}")
        return EXIT_BAD_INPUT
    if options.redis:  # before anything is touched: one line, no traceback
        try:
            check_redis(options.redis)
        except ValueError as exc:
            _say(out, f"nianbao nightly: {exc}")
            return EXIT_BAD_INPUT
        except RedisUnavailable as exc:
            _say(out, f"nianbao nightly: {exc}; nothing crawled")
            return EXIT_REDIS
    paths = RunPaths(options.work.resolve())
    paths.work.mkdir(parents=True, exist_ok=True)
    with hold_lock(paths.lock, options.wait_lock) as lock_fd:
        if lock_fd is None:
            _say(out, f"nianbao nightly: another run holds {paths.lock}; not starting")
            return EXIT_BUSY
        state = prepare_run(options, paths)
        log = RunLog(paths.log(state["run_id"]), out)
        for line in state.pop("notes"):
            log(line)
        _save_state(paths, state)
        summary = RunSummary(
            run_id=state["run_id"], started=state["started"], attempts=state["attempts"]
        )
        finished = _closed_reason(paths) == "finished" and any(paths.parts.glob("*.json"))
        lost_redis = False
        if finished:
            log("the crawl of this run had finished; publishing it")
        elif options.redis:
            try:
                returncode = shared.crawl_shared(
                    options, paths, lock_fd, log, log.path, new_run=state["attempts"] == 1
                )
            except RedisUnavailable as exc:
                summary.alerts.append(f"{exc}; nothing published; the next run resumes it")
                lost_redis = True
            else:
                finished = returncode == 0 and _closed_reason(paths) == "finished"
        else:
            returncode = crawl(options, paths, command, lock_fd, log)
            finished = returncode == 0 and _closed_reason(paths) == "finished"
        parts, unreadable = read_parts(paths.parts.glob("*.json"))
        summary.alerts.extend(unreadable)
        outcomes, stats = merge_parts(parts, sites)
        summary.sites, summary.stats = outcomes, stats
        summary.reports, summary.findings = keys.report_counts(stats), keys.finding_counts(stats)
        if lost_redis:
            return _finish(summary, EXIT_REDIS, log)
        if not finished:
            summary.alerts.append(
                "the crawl stopped before the end; nothing published; the next run resumes it"
            )
            return _finish(summary, EXIT_CRAWL_FAILED, log)
        if len(summary.sites_failed) == len(summary.sites):
            summary.alerts.append(
                "every site failed (network down? crawler broken?); nothing published"
            )
            shutil.rmtree(paths.run, ignore_errors=True)
            return _finish(summary, EXIT_CRAWL_FAILED, log)
        try:
            return publish_run(options, paths, summary, log)
        except sqlite3.Error as exc:  # e.g. disk full: the next invocation tries again
            summary.published = False
            summary.alerts.append(f"database error while recording the run: {exc}")
            return _finish(summary, EXIT_CRAWL_FAILED, log)


def prepare_run(options: NightlyOptions, paths: RunPaths) -> dict[str, Any]:
    """Resume the run in ``run/`` if there is one (and it is usable), else start a new one."""
    notes: list[str] = []
    state = _load_state(paths)
    if state is not None:
        state["attempts"] = int(state.get("attempts", 1)) + 1
        fresh = not paths.working.exists() and not options.db.exists()  # first run ever
        problems = [] if fresh else publish.integrity_problems(paths.working)
        if state["attempts"] > options.max_attempts:
            notes.append(
                f"run {state['run_id']} stopped early {options.max_attempts} times; "
                "abandoning it and starting a new run"
            )
            state = None
        elif problems:
            notes.append(
                f"working copy of run {state['run_id']} unusable ({problems[0]}); "
                "starting a new run"
            )
            state = None
        else:
            notes.append(
                f"resuming run {state['run_id']} (attempt {state['attempts']}) with "
                f"its working copy and JOBDIR {paths.jobdir}"
            )
            if options.redis:
                notes.append("its crawl's queue and unwritten items are kept in Redis")
            elif paths.jobdir.exists() and _closed_reason(paths) is None:
                notes.append(
                    "its crawl was killed without saving Scrapy's request queue; "
                    "crawling again into the same working copy (HTTP cache kept)"
                )
                shutil.rmtree(paths.jobdir)
    if state is None:
        shutil.rmtree(paths.run, ignore_errors=True)
        paths.run.mkdir(parents=True)
        now = datetime.now(UTC)
        run_id = now.strftime("%Y%m%dT%H%M%SZ")
        for n in range(2, 1000):  # unique even for runs started within the same second
            if not paths.log(run_id).exists():
                break
            run_id = f"{now:%Y%m%dT%H%M%SZ}-{n}"
        state = {"run_id": run_id, "started": now.isoformat(timespec="seconds"), "attempts": 1}
        if options.db.exists():
            publish.copy_database(options.db, paths.working)
            notes.append(f"new run {state['run_id']}: working copy of {options.db}")
        else:
            notes.append(f"new run {state['run_id']}: {options.db} does not exist yet")
    paths.parts.mkdir(parents=True, exist_ok=True)
    paths.jobdir.mkdir(parents=True, exist_ok=True)
    state["notes"] = notes
    return state


def crawl(
    options: NightlyOptions, paths: RunPaths, command: CrawlCommand, lock_fd: int, log: RunLog
) -> int:
    """Run one crawl process to its end; SIGTERM/SIGINT here are passed on to it (once)."""
    log_file = log.path
    argv = command(options, paths, log_file, paths.next_part())
    env = crawl_env(options)
    log(
        f"crawling {options.sites} (settings {env['SCRAPY_SETTINGS_MODULE']}); "
        f"Scrapy's log: {log_file}"
    )
    with log_file.open("a", encoding="utf-8") as stream:
        proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=stream, stderr=stream,
            pass_fds=(lock_fd,), start_new_session=True, preexec_fn=die_with_parent(),
        )  # fmt: skip
        with forward_signals(proc):
            returncode = proc.wait()
    log(f"crawl process exited with status {returncode}", echo=returncode != 0)
    return returncode


def publish_run(options: NightlyOptions, paths: RunPaths, summary: RunSummary, log: RunLog) -> int:
    """Record the run in the working copy, judge it, and swap it in as the published database."""
    summary.finished = datetime.now(UTC).isoformat(timespec="seconds")
    db = open_db(paths.working)  # the working copy, with the published database's schema
    try:
        summary.published = True
        summary.crawl_run_ids = correct_crawl_runs(db, summary)
        summary.findings_stored = stored_findings(db)
        store_run(db, summary)  # site history first: the streaks count this run
        streaks = failing_streaks(db, summary.sites, max(options.max_failed_nights, 1))
        code = EXIT_OK
        if summary.parse_failure_rate > options.max_parse_failure_rate:
            summary.alerts.append(
                f"{summary.parse_failure_rate:.0%} of reports failed to parse "
                f"(threshold {options.max_parse_failure_rate:.0%})"
            )
            code = EXIT_PARSE_FAILURES
        lost = int(summary.stats.get(keys.STORE_ERRORS, 0))
        if lost:
            summary.alerts.append(
                f"{lost} report(s) could not be written to the database (see the log); "
                "their pages are read again next run"
            )
            code = EXIT_PARSE_FAILURES
        for site_id, nights in streaks.items():
            summary.alerts.append(f"site {site_id} failed {nights} night(s) in a row")
            code = max(code, EXIT_SITES_FAILING)  # parse failures (4) take precedence
        summary.exit_code = code
        store_run(db, summary)
    finally:
        db.close()
    try:
        publish.publish(paths.working, options.db, keep=options.keep)
    except (publish.PublishError, OSError, ValueError) as exc:
        summary.published = False
        summary.alerts.append(f"not published: {exc}")
        shutil.rmtree(paths.run, ignore_errors=True)  # the next run starts from the published db
        return _finish(summary, EXIT_CRAWL_FAILED, log)
    kept = options.db.with_name(options.db.name + ".previous")
    log(f"published {options.db}" + (f" (previous kept as {kept.name})" if kept.exists() else ""))
    shutil.rmtree(paths.run, ignore_errors=True)
    if options.after_publish:
        done = subprocess.run(options.after_publish, shell=True, check=False)
        log(f"after-publish command exited with status {done.returncode}")
    return _finish(summary, summary.exit_code, log)


def correct_crawl_runs(db: sqlite_utils.Database, summary: RunSummary) -> list[int]:
    """Ids of this run's ``crawl_runs`` rows; the last gets the per-site verdict of the run
    when it differs from the one recorded.

    The store pipeline records the outcomes ``crawler.outcomes`` judged for its crawl process;
    a run resumed after an interruption has several, and the verdict on their summed counts
    (the same rule) is the run's. A single-part run's row already holds it and is not touched.
    """
    rows = list(
        db["crawl_runs"].pks_and_rows_where("started >= ?", [summary.started], order_by="id")
    )
    if rows:
        failed = [s.site_id for s in summary.sites_failed]
        ok = len(summary.sites) - len(failed)
        last = rows[-1][1]
        if (last.get("sites_ok"), json.loads(last.get("failed_sites") or "[]")) != (ok, failed):
            record_run(db, run_id=int(rows[-1][0]), sites_ok=ok, failed_sites=failed)
    return [int(pk) for pk, _ in rows]


def _finish(summary: RunSummary, code: int, log: RunLog) -> int:
    summary.exit_code = code
    log(summary.text())
    return code


def _closed_reason(paths: RunPaths) -> str | None:
    """How the last crawl process of the run closed (None: killed, or never started)."""
    marker = paths.closed_marker
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("reason")
    except (OSError, ValueError):
        return None


def _load_state(paths: RunPaths) -> dict[str, Any] | None:
    try:
        return json.loads(paths.state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save_state(paths: RunPaths, state: dict[str, Any]) -> None:
    tmp = paths.state.with_name("state.json.tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, paths.state)


def _say(out: IO[str] | None, message: str) -> None:
    if out is not None:
        print(message, file=out, flush=True)
