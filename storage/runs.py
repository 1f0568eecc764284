"""The run tables: ``crawl_runs`` (one row per crawl, written when it starts and when it
ends), ``nightly_runs`` and ``site_runs`` (one row per nightly run, and per site in it).

A crawl that dies (killed, power cut) leaves its row ``running``; the next crawl marks such
rows ``interrupted`` when their process is gone.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlite_utils

from storage.schema import TABLES
from storage.writer import now_iso


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted_runs(db: sqlite_utils.Database) -> list[int]:
    """Runs still ``running`` whose process (on this host) is gone become ``interrupted``."""
    host = socket.gethostname()
    stale = [
        run_id
        for run_id, pid, run_host in db.execute(
            "select id, pid, host from crawl_runs where status = 'running'"
        ).fetchall()
        if run_host == host and not _pid_alive(pid)
    ]
    for run_id in stale:
        db["crawl_runs"].update(run_id, {"status": "interrupted"})
    return stale


def record_run(
    db: sqlite_utils.Database,
    *,
    run_id: int | None = None,
    spider: str | None = None,
    started: str | None = None,
    finished: str | None = None,
    status: str | None = None,
    stats: Mapping[str, Any] | None = None,
    reports: Mapping[str, int] | None = None,
    pages: int | None = None,
    sites_ok: int | None = None,
    failed_sites: Sequence[str] | None = None,
) -> int:
    """Insert (no ``run_id``) or update one ``crawl_runs`` row; returns its id.

    ``reports`` counts reports by outcome (keys ``new``, ``changed``, ``unchanged``,
    ``failed``); ``stats`` is the Scrapy stats dict (stored as JSON); ``failed_sites`` the ids
    of sites that gave no report. A new row's ``status`` defaults to ``running``; an update
    changes only what it is given (no ``status``: the row keeps its own).
    """
    if run_id is None:
        row: dict[str, Any] = {
            "status": status or "running",
            "started": started or now_iso(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
    else:
        row = {k: v for k, v in {"status": status, "started": started}.items() if v is not None}
    optional = {"spider": spider, "finished": finished, "pages": pages, "sites_ok": sites_ok}
    row.update({k: v for k, v in optional.items() if v is not None})
    if stats is not None:
        row["stats"] = json.dumps(dict(stats), ensure_ascii=False, default=str, sort_keys=True)
    for outcome, count in (reports or {}).items():
        row[f"reports_{outcome}"] = count
    if failed_sites is not None:
        row["sites_failed"] = len(failed_sites)
        row["failed_sites"] = json.dumps(list(failed_sites), ensure_ascii=False)
    if run_id is None:
        return int(db["crawl_runs"].insert(row).last_pk)
    db["crawl_runs"].update(run_id, row)
    return run_id


def record_nightly_run(
    db: sqlite_utils.Database, run: Mapping[str, Any], sites: Iterable[Mapping[str, Any]]
) -> None:
    """Upsert one ``nightly_runs`` row and its ``site_runs`` rows (keys: the tables' columns).

    A site row gets the run's ``run_id`` and ``started``; keys that are not columns are left out.
    """
    site_columns = TABLES["site_runs"].columns
    run_row = {k: v for k, v in run.items() if k in TABLES["nightly_runs"].columns}
    site_rows = [
        {k: v for k, v in {**site, "run_id": run["run_id"], "started": run["started"]}.items()
         if k in site_columns}
        for site in sites
    ]  # fmt: skip
    with db.atomic():
        db["site_runs"].upsert_all(site_rows, pk=TABLES["site_runs"].pk)
        db["nightly_runs"].upsert(run_row, pk=TABLES["nightly_runs"].pk)
