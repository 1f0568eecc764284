"""Run the parsers in a worker process with a time and a memory limit.

A hostile document (a PDF that takes minutes, a zip bomb, 10,000 nested tags) must not hang or
exhaust the crawl: ``IsolatedParser.run(fn, *args)`` calls ``fn`` in a process of its own
(spawned once, reused), waits at most ``timeout`` seconds, and caps the worker's address
space at ``memory`` bytes (``RLIMIT_AS``: a ``MemoryError`` inside it, not in the crawl). A
worker that runs over time or dies is killed and replaced; the caller gets
:class:`ParseLimitError` to record. Waiting happens in a reactor thread, so the crawl goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.utils.asyncio import run_in_thread
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredLock


class ParseLimitError(RuntimeError):
    """Parsing a document ran past the time limit or killed its worker process."""


def _ready() -> bool:
    return True


def _watch_parent(parent: int, every: float) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)  # the crawl is gone (killed): nobody will read what this process parses


def _start_worker(limit: int, parent: int) -> None:
    """The parser process's start: its memory limit, and a thread that ends the process once
    the crawl's process is gone (a crawl killed with SIGKILL leaves no parser behind)."""
    threading.Thread(target=_watch_parent, args=(parent, 0.5), daemon=True).start()
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class IsolatedParser:
    """A one-process pool for parsing, replaced whenever a document breaks its limits."""

    def __init__(self, timeout: float, memory: int) -> None:
        self.timeout = timeout
        self.memory = memory
        self.pool: ProcessPoolExecutor | None = None
        self.lock = DeferredLock()  # one document at a time: its time limit is its own

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.memory, os.getpid()),
            )
        return self.pool

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        await maybe_deferred_to_future(self.lock.acquire())
        try:
            return await self._run(fn, *args)
        finally:
            self.lock.release()

    async def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            if self.pool is None:  # a new worker: its start-up is not the document's time
                await run_in_thread(self._pool().submit(_ready).result)
            future = self._pool().submit(fn, *args)
            return await run_in_thread(future.result, self.timeout or None)
        except FutureTimeout:
            self.close(kill=True)
            raise ParseLimitError(f"parsing took more than {self.timeout:g} s: stopped") from None
        except BrokenProcessPool as exc:
            self.close(kill=True)
            raise ParseLimitError(f"the parser's process died: {exc}") from None

    def close(self, *, kill: bool = False) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        if kill:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
        pool.shutdown(wait=not kill, cancel_futures=True)
