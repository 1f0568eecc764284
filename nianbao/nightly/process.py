"""Process plumbing of the nightly job: the workdir lock, signals passed on to the crawl, and
the crawl dying with its parent (so Scrapy stops cleanly and saves its JOBDIR queue)."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


@contextlib.contextmanager
def hold_lock(path: Path, wait: float) -> Iterator[int | None]:
    """An exclusive ``flock`` on ``path`` (waiting up to ``wait`` seconds); None if not had."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield None
                    return
                time.sleep(0.2)
        yield fd
    finally:
        os.close(fd)


@contextlib.contextmanager
def forward_signals(
    *procs: subprocess.Popen[Any], on_signal: Callable[[], None] | None = None
) -> Iterator[None]:
    """Pass SIGTERM/SIGINT on to the crawl processes once: Scrapy then stops cleanly (saving its
    queue, or handing its requests back to the shared one); ``on_signal`` is called too."""
    forwarded = False

    def forward(signum: int, frame: Any) -> None:
        nonlocal forwarded
        if forwarded:
            return
        forwarded = True
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        if on_signal is not None:
            on_signal()

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def die_with_parent() -> Callable[[], None] | None:
    """On Linux: the crawl gets SIGTERM (a clean Scrapy shutdown) if this process dies."""
    if not sys.platform.startswith("linux"):
        return None
    parent = os.getpid()

    def set_parent_death_signal() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl
            os.kill(os.getpid(), signal.SIGTERM)

    return set_parent_death_signal
