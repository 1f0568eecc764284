"""The item queue of a distributed crawl: workers push, one consumer writes SQLite.

SQLite has one writer. In a crawl shared through Redis (``crawler.distributed``), each worker
parses its pages (``ParsePipeline``, ``ValidatePipeline``: the CPU work stays with the
workers) and :class:`ItemQueuePipeline` pushes the parsed page to the Redis list
``nianbao:<spider>:items`` instead of storing it. One ``nianbao store`` process,
:func:`consume`, pops each message and writes it with the same code as a single-process crawl
(``pipelines.store.StorePipeline``: ``save_report``, ``save_page``, the ``crawl_runs`` row).
When a worker closes it pushes the URLs it refused (stored in ``refused_urls``, as a single
crawl stores them) and its per-site counts and stats (``Consumed.parts``: the nightly job
judges the sites from them, as from the parts of a single-process crawl).

Reliable queue: a message is moved (``BLMOVE``) to ``…:items:processing`` while it is written
and removed from there after; a consumer that dies leaves it there and the next one writes it
first. Writing a message twice is harmless (reports and pages are upserted: the second write
is ``unchanged``). Messages are pickled (as scrapy-redis pickles requests): a trusted Redis only.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler import stats as keys
from crawler.distributed import clear_crawl, crawl_prefix, live_workers
from crawler.items import PageItem
from crawler.outcomes import SiteOutcomes
from crawler.safety import RefusalLog
from pipelines.store import StorePipeline
from storage import save_sites
from storage.refused import save_refused

logger = logging.getLogger(__name__)


def items_key(spider_name: str) -> str:
    """The Redis list of a crawl's parsed items."""
    return crawl_prefix(spider_name) + ":items"


def _dump(message: tuple[str, Any]) -> bytes:
    return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def connect(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url)


class ItemQueuePipeline:
    """Push every page item (after parsing) and the crawl's sites to the Redis item queue."""

    def __init__(self, crawler: Crawler, url: str) -> None:
        self.crawler = crawler
        self.server = connect(url)
        self.key = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemQueuePipeline:
        url = crawler.settings.get("REDIS_URL")
        if not url:
            raise NotConfigured("REDIS_URL is not set: no distributed crawl")
        return cls(crawler, url)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.key = items_key(spider.name)
        sites = list(getattr(spider, "sites", None) or [])
        self.server.rpush(self.key, _dump(("sites", sites)))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            message = ("page", replace(item, body=None))  # the store needs no body
            self.server.rpush(self.key, _dump(message))
            self.crawler.stats.inc_value(keys.ITEMS_QUEUED)
        return item

    def close_spider(self) -> None:
        """Push what the store cannot see from the items: the URLs this worker refused, and its
        per-site network counts with its stats (before the worker leaves the crawl's worker set,
        so the store waits for them)."""
        refused = RefusalLog.of(self.crawler).refusals
        if refused:
            self.server.rpush(self.key, _dump(("refused", [vars(r) for r in refused.values()])))
        outcomes = SiteOutcomes.of(self.crawler)
        part = {
            "worker": f"{socket.gethostname()}:{os.getpid()}",
            "sites": outcomes.counts if outcomes is not None else {},
            "stats": self.crawler.stats.get_stats(),
        }
        self.server.rpush(self.key, _dump(("outcomes", part)))


class Stats(dict):
    """The few methods of Scrapy's stats collector that ``StorePipeline`` calls."""

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] = self.get(key, start) + count

    def get_stats(self) -> dict[str, Any]:
        return dict(self)


@dataclass
class _Spider:
    name: str
    sites: list[Any] = field(default_factory=list)


@dataclass
class _Run:
    """What ``StorePipeline`` reads of a crawler: the spider (name, sites) and the stats."""

    spider: _Spider
    stats: Stats = field(default_factory=Stats)


@dataclass
class Consumed:
    """What one ``nianbao store`` run wrote."""

    messages: int
    stats: dict[str, Any]
    failed_sites: list[str]
    reason: str = "finished"  # or "shutdown": stopped early (``give_up``, Ctrl-C)
    parts: list[dict[str, Any]] = field(default_factory=list)  # each closed worker's counts


def consume(
    url: str,
    db_path: str,
    *,
    spider: str = "annual_reports",
    poll: float = 1.0,
    keep: bool = False,
    give_up: Callable[[], bool] | None = None,
) -> Consumed:
    """Write the crawl's items into ``db_path`` until the crawl is finished, its workers
    closed and its queue empty.

    ``keep`` leaves the crawl's Redis keys (else they are deleted once everything is written,
    so the next crawl starts afresh). ``give_up`` is asked between messages (and every
    ``poll`` seconds while none comes); when it says so the store stops. Stopped or
    interrupted, the run is recorded as ``shutdown`` and what was not written stays in Redis
    for the next ``nianbao store``.
    """
    server = connect(url)
    key = items_key(spider)
    processing = key + ":processing"
    finished = crawl_prefix(spider) + ":finished"
    while server.lmove(processing, key, "RIGHT", "LEFT"):  # left by a consumer that died
        pass
    run = _Run(_Spider(spider))
    store = StorePipeline(run, db_path)  # type: ignore[arg-type]
    store.open_spider()
    known: dict[str, Any] = {}
    parts: list[dict[str, Any]] = []
    count = 0
    reason = "shutdown"
    try:
        while give_up is None or not give_up():
            data = server.blmove(key, processing, poll, "LEFT", "RIGHT")
            if data is None:
                # The workers first, then the list: a worker pushes its last messages
                # (refusals, counts) before it leaves the worker set.
                if (
                    server.exists(finished)
                    and not live_workers(server, spider)  # the last have closed
                    and not server.llen(key)
                ):
                    reason = "finished"
                    break
                continue
            kind, payload = pickle.loads(data)
            if kind == "sites":
                fresh = [s for s in payload if s.id not in known]
                known.update((s.id, s) for s in payload)
                if fresh:
                    run.spider.sites = list(known.values())
                    save_sites(store.db, fresh)
            elif kind == "refused":
                save_refused(store.db, payload)
            elif kind == "outcomes":
                parts.append(payload)
            else:
                store.process_item(payload)
            server.lrem(processing, 1, data)
            count += 1
    finally:
        store.spider_closed(run.spider, reason)
    if not keep and server.exists(finished):
        clear_crawl(server, spider)
    logger.info("stored %d messages (%s store errors)", count, run.stats.get(keys.STORE_ERRORS, 0))
    return Consumed(count, run.stats.get_stats(), store.failed_sites, reason, parts)
