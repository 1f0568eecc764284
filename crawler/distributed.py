"""A crawl shared by several worker processes through Redis, on scrapy-redis.

scrapy-redis gives the shared scheduler (``scrapy_redis.scheduler.Scheduler``) and the shared
duplicate filter (``scrapy_redis.dupefilter.RFPDupeFilter``: a request fingerprinted by any
worker is not scheduled again by another). :class:`LeaseScheduler` records the fingerprint and
queues the request in one Redis script (scrapy-redis does it in two commands: a worker killed
between them left a request fingerprinted, never queued, crawled by no one). This module adds
the queue class the scheduler uses, :class:`SiteLeaseQueue`, which keeps the politeness of a
single process:

- **one site, one worker.** Requests are queued per site (a sorted set by priority, like
  scrapy-redis's ``PriorityQueue``). A worker pops only from sites it has leased (hash
  ``owners``: site → worker, taken with ``HSETNX``), at most ``NIANBAO_WORKER_SITES`` at a
  time (default ``CONCURRENT_REQUESTS / CONCURRENT_REQUESTS_PER_DOMAIN``: enough to keep it
  busy), and gives a site back when its queue is empty and nothing of it is in flight. So
  robots.txt, AutoThrottle, the per-domain concurrency and the HTTP cache act on a site inside
  one process, as in a single-process crawl, and the site budget is counted in Redis
  (:class:`RedisSiteBudget`), so it holds when a site changes worker.
- **nothing lost when a worker dies.** A popped request is moved, in the same Lua script, to
  the worker's in-flight hash; it is acknowledged (removed) once Scrapy's engine has finished
  with it: downloaded, its callback run, its items through the item pipelines (pushed to the
  item queue, ``pipelines.queue``) and its new requests queued. Each worker refreshes a
  heartbeat key (TTL ``NIANBAO_WORKER_TTL`` seconds) from a thread of its own, so a busy
  reactor is not a dead worker; a worker whose key expired is reaped by any other: its
  in-flight requests go back to their site queues and its sites are freed. A worker reaped
  while alive (stopped past the TTL) is fenced: it can pop only from sites still leased to it
  and lease only as a member, so it takes nothing until it notices and rejoins (stat
  ``nianbao/distributed/rejoined``).
  A request reaped after its items were pushed is fetched again and its items stored again,
  which the store turns into ``unchanged`` (reports and pages are upserted by id and URL).
- **an end.** A worker with nothing to do stays open while any request is queued or in flight
  anywhere; when none is, the crawl is over: it sets the ``finished`` key and closes.

Keys (prefix ``nianbao:<spider>:``): ``requests:<site>`` (queues), ``requests:sites`` (sites
with queued requests), ``owners``, ``workers``, ``alive:<worker>``, ``inflight:<worker>``,
``budget``, ``dupefilter``, ``items`` and ``finished``. Requests are pickled, as
scrapy-redis does: the Redis server must be a trusted one.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.utils.asyncio import create_looping_call
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler

from crawler import stats as keys
from crawler.middlewares import SiteBudget

logger = logging.getLogger(__name__)

PREFIX = "nianbao:%(spider)s"
LEASE = "nianbao_lease"  # request.meta key: the in-flight token of a popped request

# Record a new request's fingerprint and queue it, in one step: a fingerprint is never recorded
# for a request that is not queued (a worker killed in between would lose it for good: no
# worker would schedule it again). ARGV[1] is '' for a request that is never filtered.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1
"""
# Pop the best request of one site queue into the worker's in-flight hash (atomically), if the
# site is still leased to this worker (a worker reaped while alive must not take more).
_POP = """
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[3] then return -1 end
local data = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #data == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local token = ARGV[1] .. '|' .. data[2] .. '|' .. ARGV[2]
redis.call('HSET', KEYS[2], token, data[1])
return {data[1], token}
"""
# Lease a site that has queued requests and no owner; forget sites whose queue is empty. Only
# a worker of the crawl (not one reaped) leases.
_CLAIM = """
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then return false end
local sites = redis.call('SRANDMEMBER', KEYS[1], 32)
for _, site in ipairs(sites) do
  if redis.call('ZCARD', ARGV[2] .. site) == 0 then
    redis.call('SREM', KEYS[1], site)
  elseif redis.call('HSETNX', KEYS[2], site, ARGV[1]) == 1 then
    return site
  end
end
return false
"""
# Reap a worker whose heartbeat expired: requeue its in-flight requests, free its sites.
_REAP = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
if redis.call('SREM', KEYS[3], ARGV[2]) == 0 then return -1 end
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local site, score = string.match(entries[i], '^(.*)|([^|]*)|[^|]*$')
  redis.call('ZADD', ARGV[1] .. site, score, entries[i + 1])
  redis.call('SADD', KEYS[5], site)
end
redis.call('DEL', KEYS[1])
local owners = redis.call('HGETALL', KEYS[2])
for i = 1, #owners, 2 do
  if owners[i + 1] == ARGV[2] then redis.call('HDEL', KEYS[2], owners[i]) end
end
return #entries / 2
"""
# Heartbeat: stay alive, unless reaped already (then the worker must rejoin first).
_BEAT = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], 1, 'EX', ARGV[2])
return 1
"""
# Is the crawl over: no request queued, none in flight at any worker?
_DONE = """
for _, site in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('ZCARD', ARGV[1] .. site) > 0 then return 0 end
end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HLEN', ARGV[2] .. worker) > 0 then return 0 end
end
return 1
"""


def crawl_prefix(spider_name: str) -> str:
    """The prefix of every Redis key of a crawl by ``spider_name``."""
    return PREFIX % {"spider": spider_name}


def site_of(request: Request) -> str:
    """The site a request belongs to (``meta["site_id"]``, else its host)."""
    site = request.meta.get("site_id")
    return str(site) if site else f"host:{urlsplit(request.url).netloc}"


def configure(settings: Any, url: str) -> None:
    """Make ``settings`` a worker of the crawl shared in the Redis at ``url``."""
    for name, value in DISTRIBUTED_SETTINGS.items():
        if name == "DOWNLOADER_MIDDLEWARES":
            value = {**settings.getdict("DOWNLOADER_MIDDLEWARES"), **value}
        elif name == "ITEM_PIPELINES":
            value = {**settings.getdict("ITEM_PIPELINES"), **value}
        settings.set(name, value, priority="cmdline")
    settings.set("REDIS_URL", url, priority="cmdline")


DISTRIBUTED_SETTINGS: dict[str, Any] = {
    "SCHEDULER": "crawler.distributed.LeaseScheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.SiteLeaseQueue",
    "SCHEDULER_QUEUE_KEY": PREFIX + ":requests",
    "SCHEDULER_DUPEFILTER_KEY": PREFIX + ":dupefilter",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,  # one worker closing must not clear the others' queue
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.SiteBudget": None,
        "crawler.distributed.RedisSiteBudget": 120,
    },
    # Items go to Redis for the one writer (``nianbao store``), not to SQLite.
    "ITEM_PIPELINES": {
        "pipelines.store.StorePipeline": None,
        "pipelines.queue.ItemQueuePipeline": 800,
    },
}


class LeaseScheduler(Scheduler):
    """scrapy-redis's scheduler, whose duplicate filter records a request in the same Redis
    script as the queue takes it (``_PUSH``): fingerprinted means queued."""

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if not self.queue.push(request, fingerprint=fingerprint, seen_key=self.df.key):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True


class SiteLeaseQueue(Base):
    """scrapy-redis queue: per-site priority queues, sites leased to one worker at a time,
    popped requests held in flight until the engine is done with them (see the module)."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        crawler = spider.crawler
        settings = crawler.settings
        self.crawler = crawler
        self.worker = uuid.uuid4().hex[:12]
        self.ttl = max(1, settings.getint("NIANBAO_WORKER_TTL", 15))
        per_site = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        fill = settings.getint("CONCURRENT_REQUESTS") // per_site  # enough sites to be busy
        self.max_sites = max(1, settings.getint("NIANBAO_WORKER_SITES") or fill)
        prefix = crawl_prefix(spider.name)
        self.queue_prefix = f"{self.key}:"
        self.sites_key = f"{self.key}:sites"
        self.owners_key = f"{prefix}:owners"
        self.workers_key = f"{prefix}:workers"
        self.alive_prefix = f"{prefix}:alive:"
        self.inflight_prefix = f"{prefix}:inflight:"
        self.inflight_key = self.inflight_prefix + self.worker
        self.finished_key = f"{prefix}:finished"
        self.owned: list[str] = []
        self.leased: dict[str, tuple[Request, str]] = {}  # token → (request, site)
        self._push = server.register_script(_PUSH)
        self._pop = server.register_script(_POP)
        self._beat = server.register_script(_BEAT)
        self._claim = server.register_script(_CLAIM)
        self._reap = server.register_script(_REAP)
        self._done = server.register_script(_DONE)
        self.reaped = threading.Event()  # set by the heartbeat: rejoin (see beat)
        self.stopped = threading.Event()
        self.join()
        interval = max(0.2, self.ttl / 5)
        # The heartbeat runs in a thread: a reactor busy for longer than the TTL (a long parse,
        # a loaded machine) is not taken for a dead worker; a killed process stops beating.
        self.pulse = threading.Thread(target=self.keep_alive, args=(interval,), daemon=True,
                                      name=f"nianbao-heartbeat-{self.worker}")  # fmt: skip
        self.pulse.start()
        self.heartbeat = create_looping_call(self.beat)
        self.heartbeat.start(interval, now=False)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        logger.info("worker %s joined the crawl %s", self.worker, prefix)

    # --- the scrapy-redis queue interface -------------------------------------------------

    def __len__(self) -> int:
        """Requests queued for the sites this worker holds."""
        if not self.owned:
            return 0
        pipe = self.server.pipeline()
        for site in self.owned:
            pipe.zcard(self.queue_prefix + site)
        return sum(pipe.execute())

    def push(self, request: Request, fingerprint: str = "", seen_key: str = "") -> bool:
        """Queue ``request`` unless ``fingerprint`` is in the set ``seen_key`` already (then
        False); the fingerprint is recorded in the same step."""
        request.meta.pop(LEASE, None)  # a retry or redirect of a popped request: a new one
        site = site_of(request)
        keys = [seen_key or self.sites_key, self.queue_prefix + site, self.sites_key]
        args = [fingerprint if seen_key else "", -request.priority,
                self._encode_request(request), site]  # fmt: skip
        return bool(self._push(keys=keys, args=args))

    def pop(self, timeout: int = 0) -> Request | None:
        for _ in range(len(self.owned)):
            site = self.owned.pop(0)
            request, held = self._pop_site(site)
            if request is not None:
                self.owned.append(site)
                return request
            if not held:
                continue  # taken from this worker (reaped): no longer its site
            if any(s == site for _, s in self.leased.values()):
                self.owned.append(site)  # its requests in flight may queue more
            else:
                self.server.hdel(self.owners_key, site)  # done with it: free for others
        while len(self.owned) < self.max_sites:
            site = self._claim(keys=[self.sites_key, self.owners_key, self.workers_key],
                               args=[self.worker, self.queue_prefix])  # fmt: skip
            if not site:
                return None
            site = site.decode() if isinstance(site, bytes) else site
            self.owned.append(site)
            request, _ = self._pop_site(site)
            if request is not None:
                return request
        return None

    def clear(self) -> None:
        """Delete every key of the crawl (queues, leases, in-flight, items, finished)."""
        clear_crawl(self.server, self.spider.name)

    # --- leases ----------------------------------------------------------------------------

    def join(self) -> None:
        """Be a worker of the crawl: in the ``workers`` set, with a live heartbeat key."""
        pipe = self.server.pipeline()
        pipe.sadd(self.workers_key, self.worker)
        pipe.set(self.alive_prefix + self.worker, 1, ex=self.ttl)
        pipe.execute()

    def keep_alive(self, interval: float) -> None:
        """The heartbeat thread: refresh the key every ``interval`` s until the spider closes;
        found reaped (this process stalled past the TTL), tell the reactor (``reaped``)."""
        while not self.stopped.wait(interval):
            try:
                alive = self._beat(keys=[self.workers_key, self.alive_prefix + self.worker],
                                   args=[self.worker, self.ttl])  # fmt: skip
            except RedisError as exc:  # Redis away for a moment: try again next beat
                logger.warning("worker %s: heartbeat failed: %s", self.worker, exc)
                continue
            if not alive:
                self.reaped.set()

    def rejoin(self) -> None:
        """This worker was reaped while alive: what it had in flight is queued again and its
        sites are free (another worker may have them). Forget them and take part again."""
        logger.warning("worker %s was taken for dead (stalled past %d s): rejoining",
                       self.worker, self.ttl)  # fmt: skip
        self.crawler.stats.inc_value(keys.REJOINED)
        self.owned.clear()
        self.leased.clear()  # not ours to acknowledge: they are back in the queues
        self.reaped.clear()
        self.join()

    def _pop_site(self, site: str) -> tuple[Request | None, bool]:
        """The best request of ``site`` (moved in flight), and whether the site is still this
        worker's."""
        found = self._pop(keys=[self.queue_prefix + site, self.inflight_key, self.owners_key],
                          args=[site, uuid.uuid4().hex[:12], self.worker])  # fmt: skip
        if found == -1:
            return None, False
        if not found:
            return None, True
        data, token = found
        token = token.decode() if isinstance(token, bytes) else token
        request = self._decode_request(data)
        request.meta[LEASE] = token
        self.leased[token] = (request, site)
        return request, True

    def _in_progress(self) -> set[Request] | None:
        """The requests Scrapy's engine is still working on (downloaded, scraped, their items
        through the pipelines); None when this Scrapy does not say (then nothing is acked).

        Private on purpose: Scrapy has no public signal for "the engine is done with this
        request". ``engine._slot.inprogress`` drops a request only after
        ``Scraper.enqueue_scrape`` returned, which awaits every output of the callback: each
        item through every item pipeline (``ItemQueuePipeline``'s push included, after the
        parse in its worker process) and each new request through ``engine.crawl`` →
        ``LeaseScheduler.enqueue_request`` (synchronous: queued in Redis). Rebuilding that from
        public signals (``item_scraped``/``item_dropped``/``item_error`` per item, a spider
        middleware counting outputs, errbacks and requests replaced by downloader middlewares)
        would copy the engine's bookkeeping. The kill-point tests (``tests/test_distributed``,
        ``item_push``: killed with a parsed page not yet pushed) check it on the Scrapy
        installed."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is None or not hasattr(slot, "inprogress"):
            return None
        return set(slot.inprogress)

    def acknowledge(self) -> int:
        """Remove from the in-flight hash what the engine has finished; how many."""
        busy = self._in_progress()
        if busy is None:
            return 0
        done = [t for t, (req, _) in self.leased.items() if req not in busy]
        if done:
            self.server.hdel(self.inflight_key, *done)
            for token in done:
                del self.leased[token]
        return len(done)

    def reap(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat expired; how many."""
        requeued = 0
        for raw in self.server.smembers(self.workers_key):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if worker == self.worker:
                continue
            n = self._reap(
                keys=[self.inflight_prefix + worker, self.owners_key, self.workers_key,
                      self.alive_prefix + worker, self.sites_key],
                args=[self.queue_prefix, worker],
            )  # fmt: skip
            if n >= 0:
                logger.warning("worker %s is gone: %d requests back in the queue", worker, n)
                self.crawler.stats.inc_value(keys.REQUEUED, n)
                requeued += n
        return requeued

    def beat(self) -> None:
        """On the reactor: rejoin if reaped, acknowledge finished requests, reap dead workers.
        Redis away (after redis-py's own retries): logged, tried again at the next beat (what
        is not acknowledged stays in flight)."""
        try:
            if self.reaped.is_set():
                self.rejoin()
            self.acknowledge()
            self.reap()
        except RedisError as exc:
            logger.warning("worker %s: Redis unreachable, will try again: %s", self.worker, exc)

    def crawl_done(self) -> bool:
        """No request queued and none in flight, in any worker."""
        return bool(self._done(keys=[self.sites_key, self.workers_key],
                               args=[self.queue_prefix, self.inflight_prefix]))  # fmt: skip

    # --- signals ---------------------------------------------------------------------------

    def spider_idle(self) -> None:
        if not self.server.sismember(self.workers_key, self.worker):
            self.reaped.set()  # before the heartbeat thread noticed
        self.beat()
        if not self.crawl_done():
            raise DontCloseSpider("other workers still crawl: wait for their requests")
        self.server.set(self.finished_key, 1)

    def spider_closed(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self.stopped.set()
        self.pulse.join(timeout=5)
        self.acknowledge()
        self.server.delete(self.alive_prefix + self.worker)
        if self.leased:  # closed early (shutdown): what was in flight goes back
            self._reap(
                keys=[self.inflight_key, self.owners_key, self.workers_key,
                      self.alive_prefix + self.worker, self.sites_key],
                args=[self.queue_prefix, self.worker],
            )  # fmt: skip
            self.leased.clear()
        else:
            for site in self.owned:
                self.server.hdel(self.owners_key, site)
            self.server.srem(self.workers_key, self.worker)
            self.server.delete(self.inflight_key)
        self.owned.clear()


def live_workers(server: Any, spider_name: str) -> int:
    """How many workers are still in the crawl (a dead one with nothing in flight is dropped)."""
    prefix = crawl_prefix(spider_name)
    for raw in server.smembers(f"{prefix}:workers"):
        worker = raw.decode() if isinstance(raw, bytes) else raw
        gone = not server.exists(f"{prefix}:alive:{worker}")
        if gone and not server.hlen(f"{prefix}:inflight:{worker}"):
            server.srem(f"{prefix}:workers", worker)
    return server.scard(f"{prefix}:workers")


def heartbeats(server: Any, spider_name: str) -> int:
    """How many workers of the crawl have a live heartbeat (a killed one's expires)."""
    return sum(1 for _ in server.scan_iter(match=crawl_prefix(spider_name) + ":alive:*"))


def clear_crawl(server: Any, spider_name: str) -> int:
    """Delete every Redis key of the crawl by ``spider_name``; how many."""
    keys = list(server.scan_iter(match=crawl_prefix(spider_name) + ":*", count=1000))
    return server.delete(*keys) if keys else 0


class RedisSiteBudget(SiteBudget):
    """:class:`crawler.middlewares.SiteBudget` counted in Redis: the budget of a site holds
    across the workers that crawl it (one at a time, but a site changes worker when one dies)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        from scrapy_redis.connection import get_redis_from_settings

        self.server = get_redis_from_settings(crawler.settings)
        self.key = ""

    def process_request(self, request: Request) -> None:
        site = request.meta.get("site_id")
        if site is None or self.budget <= 0 or request.meta.get("retry_times"):
            return
        if not self.key:
            self.key = crawl_prefix(self.crawler.spider.name) + ":budget"
        used = self.server.hincrby(self.key, site, 1)
        if used > self.budget:
            self.server.hincrby(self.key, site, -1)
            self.stats.inc_value(keys.BUDGET_CUT)
            self.stats.inc_value(keys.budget_cut(site))
            raise IgnoreRequest(f"site budget of {self.budget} requests spent: {request.url}")
