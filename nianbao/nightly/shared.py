"""The crawl of ``nianbao nightly --redis URL``: crawled by workers anywhere, written here.

Without ``--redis`` a nightly run crawls in one subprocess that writes the working copy. With
it, the crawl is the distributed crawl of ``nianbao crawl --redis`` (``crawler.distributed``):
this process starts ``--workers`` local workers (``nianbao crawl --redis URL --sites CSV``, with
the run's HTTP cache, and the working copy read for the incremental skip), any machine may add
more with the same command, and this process is the one writer: ``pipelines.queue.consume``
writes the items into the working copy with ``StorePipeline``, the code of ``nianbao store``.
Every worker seeds the start pages of its sites; the shared duplicate filter keeps one of each.

When the crawl is finished (nothing queued or in flight, every worker closed, the item list
empty) each worker's per-site counts and stats, and the store's stats, become the run's crawl
parts (``run/parts/NNN.json``), the clean-close marker is written and the crawl's Redis keys
are deleted; the nightly job then judges, records and publishes exactly as after a
single-process crawl. Stopped early (a signal, no worker alive for ``--wait-workers`` seconds:
none came, or all died) the parts so far are kept and the next invocation resumes: the queue,
the duplicate filter and the items not yet written wait in Redis. A new run first deletes what
an earlier crawl left in Redis, unless workers are at work in it (started before the nightly:
they are this run's).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crawler.distributed import clear_crawl, crawl_prefix, heartbeats
from nianbao.nightly.crawl import SPIDER
from nianbao.nightly.options import NightlyOptions, RunPaths, crawl_env
from nianbao.nightly.process import die_with_parent, forward_signals
from nianbao.nightly.summary import write_part
from nianbao.redisconn import RedisUnavailable, check_redis, shown
from pipelines.queue import consume, items_key
from storage import open_db

CHECK_EVERY = 1.0  # seconds between two looks for live workers
STOP_WORKERS = 60.0  # seconds a local worker gets to stop after the crawl


def worker_command(options: NightlyOptions, paths: RunPaths) -> list[str]:
    """A local worker: ``nianbao crawl --redis`` on the run's sites, HTTP cache and working copy
    (read by the parse pipeline: pages unchanged since the last run are not parsed again)."""
    return [
        sys.executable, "-m", "nianbao.commands.crawl",
        "--sites", str(options.sites.resolve()),
        "--redis", str(options.redis),
        "--db", str(paths.working),
        "--httpcache", str(paths.httpcache),
    ]  # fmt: skip


WorkerCommand = Callable[[NightlyOptions, RunPaths], list[str]]


class WorkerWatch:
    """``consume``'s ``give_up``: stop on a signal, or when for ``limit`` seconds no worker had a
    live heartbeat (or was a local worker process still running: starting up), no item waited
    and the crawl was not finished."""

    def __init__(self, server: Any, limit: float, procs: list[subprocess.Popen[bytes]]) -> None:
        self.server = server
        self.limit = limit
        self.procs = procs
        self.items = items_key(SPIDER)
        self.finished = crawl_prefix(SPIDER) + ":finished"
        self.last_seen = self.checked = time.monotonic()
        self.signalled = False
        self.why = ""

    def stop(self) -> None:
        self.signalled = True

    def __call__(self) -> bool:
        if self.signalled:
            self.why = "stopped by a signal"
            return True
        now = time.monotonic()
        if now - self.checked < CHECK_EVERY:
            return False
        self.checked = now
        busy = (
            any(proc.poll() is None for proc in self.procs)
            or heartbeats(self.server, SPIDER)
            or self.server.llen(self.items)
            or self.server.exists(self.finished)
        )
        if busy:
            self.last_seen = now
            return False
        if now - self.last_seen < self.limit:
            return False
        self.why = (
            f"no worker alive for {self.limit:.0f} s before the crawl finished (start "
            f"`nianbao crawl --redis URL --sites CSV` workers, or give --workers)"
        )
        return True


def prepare_redis(server: Any, new_run: bool, log: Callable[[str], None]) -> None:
    """A new run starts from an empty crawl, unless workers are already at work in one."""
    left = sum(1 for _ in server.scan_iter(match=crawl_prefix(SPIDER) + ":*", count=1000))
    if not left:
        return
    finished = server.exists(crawl_prefix(SPIDER) + ":finished")
    waiting = server.llen(items_key(SPIDER))
    if not new_run:
        log(f"continuing the crawl kept in Redis ({waiting} items waiting to be written)")
    elif heartbeats(server, SPIDER) and not finished:
        log(f"joining the crawl {heartbeats(server, SPIDER)} worker(s) already started in Redis")
    else:
        log(f"deleting what an earlier crawl left in Redis ({left} keys, {waiting} items)")
        clear_crawl(server, SPIDER)


def crawl_shared(
    options: NightlyOptions,
    paths: RunPaths,
    lock_fd: int,
    log: Callable[..., None],
    log_file: Path,
    *,
    new_run: bool,
    command: WorkerCommand = worker_command,
) -> int:
    """Run the shared crawl of a nightly run to its end, writing the working copy; 0 when it
    finished (parts and marker written), 1 when it stopped early. RedisUnavailable when Redis
    stops answering (the workers are stopped; the next run resumes)."""
    import redis

    server = check_redis(str(options.redis))
    prepare_redis(server, new_run, log)
    open_db(paths.working).close()  # created or migrated once, before the workers read it
    env = crawl_env(options)
    log(
        f"crawling {options.sites} shared through Redis {shown(str(options.redis))} with "
        f"{options.workers} local worker(s) (settings {env['SCRAPY_SETTINGS_MODULE']}); "
        f"their log: {log_file}"
    )
    procs: list[subprocess.Popen[bytes]] = []
    watch = WorkerWatch(server, options.wait_workers, procs)
    with log_file.open("a", encoding="utf-8") as stream:
        for _ in range(options.workers):
            proc = subprocess.Popen(
                command(options, paths), env=env, stdin=subprocess.DEVNULL, stdout=stream,
                stderr=stream, pass_fds=(lock_fd,), start_new_session=True,
                preexec_fn=die_with_parent(),
            )  # fmt: skip
            procs.append(proc)
        try:
            with forward_signals(*procs, on_signal=watch.stop):
                done = consume(str(options.redis), str(paths.working), keep=True, give_up=watch)
        except redis.RedisError as exc:
            _stop(procs, log, grace=0)
            raise RedisUnavailable(
                f"lost Redis at {shown(str(options.redis))} during the crawl: {exc}"
            ) from None
        finished = done.reason == "finished"
        for part in done.parts:
            write_part(paths.next_part(), {"finish_reason": "finished", **part})
        write_part(paths.next_part(), {"worker": "store", "sites": {}, "stats": done.stats})
        log(
            f"stored {done.messages} messages from {len(done.parts)} worker(s) that closed; "
            + ("the crawl finished" if finished else f"the crawl stopped: {watch.why}"),
            echo=not finished,
        )
        if finished:
            paths.closed_marker.write_text(json.dumps({"reason": "finished"}), encoding="utf-8")
            clear_crawl(server, SPIDER)
        _stop(procs, log)
    return 0 if finished else 1


def _stop(
    procs: list[subprocess.Popen[bytes]], log: Callable[..., None], grace: float = STOP_WORKERS
) -> None:
    """Wait for the local workers (they end with the crawl); SIGTERM any still running after
    ``grace`` seconds."""
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.terminate()  # Scrapy stops cleanly: its requests go back to the queue
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    codes = [p.returncode for p in procs]
    if any(codes):
        log(f"local workers exited with status {codes}", echo=False)
