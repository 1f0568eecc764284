"""A private ``redis-server`` on 127.0.0.1 for the distributed-crawl tests and benchmark.

    with serve_redis() as url:        # redis://127.0.0.1:<free port>/0
        ...

The Debian package ``redis-server`` runs on a free port, bound to 127.0.0.1, without
persistence; it is stopped on leaving the context. ``REDIS_SERVER`` is the binary (None when
the package is not installed: tests skip).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_redis(start_timeout: float = 10.0) -> Iterator[str]:
    """Run ``redis-server`` until the context ends; yields its URL."""
    if REDIS_SERVER is None:
        raise RuntimeError("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
