"""The parser's worker process dies with the crawl, not before: a crawl worker killed with
SIGKILL (as the distributed tests do) leaves no parser process behind (``pipelines.isolation``),
and one started from a thread that ends lives on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import multiprocessing, os, threading, time
from concurrent.futures import ProcessPoolExecutor
from pipelines.isolation import _start_worker

pools = []

def start():  # in a thread that ends, as a reactor's worker thread may
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(0, os.getpid()))
    pool.submit(os.getpid).result()
    pools.append(pool)

thread = threading.Thread(target=start)
thread.start()
thread.join()
time.sleep(1.5)  # the parser outlives the thread that started it
print(pools[0].submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie waiting for its reaper is gone too
        return f.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_killed_crawl_leaves_no_parser_process():
    crawl = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    try:
        parser = int(crawl.stdout.readline())
        assert parser != crawl.pid and _alive(parser)
    finally:
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(parser) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(parser)
