"""Kill a crawl worker at a named moment, for the tests of what a SIGKILL loses.

A test-only Scrapy extension: with ``-s NIANBAO_KILL_AT=POINT:N`` the worker sends itself
SIGKILL the N-th time it reaches POINT (enable it with ``-s EXTENSIONS=…`` adding
``nianbao.testing.killswitch.KillSwitch``). It wraps methods of the running crawler's own
objects, so a point is the same moment whatever those objects do inside:

- ``queue_push``: a new request accepted by the shared scheduler (its duplicate filter asked),
  before the queue records it;
- ``cache_write``: the HTTP cache has opened a response's body file, not yet written it (its
  other files may be written already);
- ``file_write``: an attachment about to be written to ``FILES_STORE``, half of it written;
- ``item_push`` / ``item_pushed``: a parsed page before / after its push to the item queue.
"""

from __future__ import annotations

import functools
import os
import signal
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

POINTS = ("queue_push", "cache_write", "file_write", "item_push", "item_pushed")


class KillSwitch:
    """SIGKILL this process the N-th time it reaches the point named in NIANBAO_KILL_AT."""

    def __init__(self, crawler: Crawler, point: str, nth: int) -> None:
        self.crawler = crawler
        self.point = point
        self.nth = nth
        self.reached: Counter[str] = Counter()
        crawler.signals.connect(self.arm, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KillSwitch:
        spec = crawler.settings.get("NIANBAO_KILL_AT")
        if not spec:
            raise NotConfigured("NIANBAO_KILL_AT is not set")
        point, _, nth = spec.partition(":")
        if point not in POINTS:
            raise ValueError(f"NIANBAO_KILL_AT: unknown point {point!r} (one of {POINTS})")
        return cls(crawler, point, int(nth or 1))

    def reach(self, point: str) -> None:
        if point == self.point:
            self.reached[point] += 1
            if self.reached[point] == self.nth:
                os.kill(os.getpid(), signal.SIGKILL)

    def arm(self) -> None:
        engine = self.crawler.engine
        if self.point == "queue_push":
            queue = engine.scheduler.queue
            queue.push = self._before(queue.push, "queue_push")
        elif self.point == "cache_write":
            for mw in engine.downloader.middleware.middlewares:
                if hasattr(mw, "storage") and hasattr(mw.storage, "_open"):
                    mw.storage._open = self._cache_open(mw.storage._open)
        elif self.point == "file_write":
            for pipe in engine.scraper.itemproc.middlewares:
                if hasattr(pipe, "store") and hasattr(pipe.store, "persist_file"):
                    pipe.store.persist_file = self._half_written(pipe.store)
        else:
            for pipe in engine.scraper.itemproc.middlewares:
                if type(pipe).__name__ == "ItemQueuePipeline":
                    pipe.server.rpush = self._around_push(pipe.server.rpush)

    def _before(self, method: Any, point: str) -> Any:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.reach(point)
            return method(*args, **kwargs)

        return wrapper

    def _cache_open(self, opener: Any) -> Any:
        @functools.wraps(opener)
        def wrapper(path: Any, mode: str = "rb", *args: Any, **kwargs: Any) -> Any:
            file = opener(path, mode, *args, **kwargs)
            if "w" in mode and Path(path).name.startswith("response_body"):
                self.reach("cache_write")
            return file

        return wrapper

    def _half_written(self, store: Any) -> Any:
        """persist_file that, at the N-th file, dies as if killed in the middle of its write:
        the first bytes the store writes (``Path.write_bytes``) are half the file."""
        persist = store.persist_file
        calls = Counter[str]()

        @functools.wraps(persist)
        def wrapper(path: Any, buf: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            calls["file_write"] += 1
            if calls["file_write"] == self.nth:

                def half(target: Path, data: bytes) -> int:
                    with target.open("wb") as f:
                        f.write(data[: len(data) // 2])
                    self.reach("file_write")
                    return 0

                Path.write_bytes = half  # type: ignore[method-assign]
                self.nth = 1  # reach() kills at the first call from here
            return persist(path, buf, info, *args, **kwargs)

        return wrapper

    def _around_push(self, rpush: Any) -> Any:
        @functools.wraps(rpush)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.reach("item_push")
            out = rpush(*args, **kwargs)
            self.reach("item_pushed")
            return out

        return wrapper
