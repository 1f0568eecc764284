"""The parser's worker process dies with the crawl: a crawl worker killed with SIGKILL (as the
distributed tests do) leaves no parser process behind (``pipelines.isolation``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

SCRIPT = """
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from pipelines.isolation import _start_worker

pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                           initializer=_start_worker, initargs=(0, os.getpid()))
print(pool.submit(os.getpid).result(), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie waiting for its reaper is gone too
        return f.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
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
