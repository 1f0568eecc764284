"""Only the portal's own web: which URLs the crawler may request, and a record of the refused.

``UrlPolicy`` says why a URL must not be requested: a scheme other than http(s) (``file:``,
``ftp:``, ``data:``), a host that is not the site's own (its start URL's host or a subdomain of
its base domain, on the start URL's port or a default one) nor one of the attachment hosts the
registry lists for it (``attachment_hosts``), or an address that is loopback, private,
link-local, multicast, reserved or unspecified. ``NIANBAO_ALLOW_LOOPBACK`` (set only in
``crawler.settings.test``) lets loopback addresses through, for the mock portals.

``UrlSafety`` (downloader middleware, before robots.txt) applies the policy to every request,
the spider's and FilesPipeline's alike, on the URL and on the address its host resolves to
(Scrapy's caching resolver: the address checked is the one connected to). It also records
what the fetch limits stopped: a download over ``DOWNLOAD_MAXSIZE`` (decompressed size too), a
timeout, a connection reset, an error status after the retries. ``RedirectGuard`` (at 650:
it sees each response before RedirectMiddleware acts on it) records redirect loops and chains
longer than ``REDIRECT_MAX_TIMES``, and notes a ``Retry-After`` for
``crawler.middlewares.RetryBackoff``. ``LinkSafety`` (spider middleware) drops the spider's
refused links and attachment URLs, recorded, before Scrapy's offsite filter would drop them
unrecorded; ``RecordedDecompression`` records a gzip bomb Scrapy stops.
Each refusal counts in the stats ``nianbao/refused`` and ``nianbao/refused/<reason>`` and
becomes a ``refused_urls`` row (``storage.refused``) when the crawl closes.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

from crawler import stats as keys
from crawler.fetcherrors import classify
from crawler.sites import Site

logger = logging.getLogger(__name__)

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def address_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why an IP address is off limits (``loopback``, ``private``, …), or ``None``."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None  # a host name: checked once resolved
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for reason in ("link_local", "private", "multicast", "unspecified", "reserved"):
        if getattr(ip, f"is_{reason}"):
            return reason
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _base_domain(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _hosts(value: str | None) -> list[str]:
    return [h.strip().lower() for h in (value or "").replace(";", ",").split(",") if h.strip()]


@dataclass
class SiteHosts:
    """The hosts a site's crawl may request: its own web and its listed attachment hosts."""

    base: str
    port: int | None
    attachment_hosts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, site: Site) -> SiteHosts:
        parts = urlsplit(site.start_url)
        host = (parts.hostname or "").lower()
        return cls(_base_domain(host), parts.port, _hosts(getattr(site, "attachment_hosts", None)))

    def owns(self, host: str, port: int | None, scheme: str) -> bool:
        on_port = port in (None, self.port, _DEFAULT_PORTS.get(scheme))
        own = host == self.base or host.endswith("." + self.base)
        return (own and on_port) or host in self.attachment_hosts


class UrlPolicy:
    """Why a URL is refused, for the site that asks (``None``: it may be requested)."""

    def __init__(self, sites: list[Site], *, allow_loopback: bool = False) -> None:
        self.sites = {s.id: SiteHosts.of(s) for s in sites}
        self.allow_loopback = allow_loopback

    def refusal(self, url: str, site_id: str | None = None) -> str | None:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            return f"scheme_{scheme or 'none'}"
        host = (parts.hostname or "").lower()
        if not host:
            return "no_host"
        try:
            port = parts.port
        except ValueError:
            return "bad_port"
        if host == "localhost" or host.endswith(".localhost"):
            if not self.allow_loopback:
                return "loopback"
        elif reason := address_refusal(host, allow_loopback=self.allow_loopback):
            return reason
        hosts = [self.sites[site_id]] if site_id in self.sites else list(self.sites.values())
        if hosts and not any(h.owns(host, port, scheme) for h in hosts):
            return "other_host"
        return None


def crawl_policy(crawler: Crawler) -> UrlPolicy:
    """The crawl's policy, for the sites of its spider (built once the spider exists)."""
    policy = getattr(crawler, "_nianbao_policy", None)
    if policy is None:
        sites = list(getattr(crawler.spider, "sites", None) or [])
        allow = crawler.settings.getbool("NIANBAO_ALLOW_LOOPBACK")
        policy = UrlPolicy(sites, allow_loopback=allow)
        crawler._nianbao_policy = policy  # type: ignore[attr-defined]
    return policy


@dataclass
class Refusal:
    """A URL the crawl did not request or could not read, and why."""

    url: str
    reason: str
    site: str | None = None
    referer: str | None = None
    detail: str | None = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class LinkSafety:
    """Spider middleware: drop the spider's requests and attachment links the policy refuses,
    recording each (before Scrapy's offsite filter, which would drop them unrecorded)."""

    def __init__(self, crawler: Crawler) -> None:
        self.safety = UrlSafety(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkSafety:
        return cls(crawler)

    def process_spider_output(self, response: Response | None, result: Any) -> Any:
        for o in result:
            if (o := self._checked(o, response)) is not None:
                yield o

    async def process_spider_output_async(self, response: Response | None, result: Any) -> Any:
        async for o in result:
            if (o := self._checked(o, response)) is not None:
                yield o

    def _checked(self, o: Any, response: Response | None) -> Any:
        policy = self.safety._policy()
        if isinstance(o, Request):
            reason = policy.refusal(o.url, o.meta.get("site_id"))
            if reason is None:
                return o
            self.safety.log.add(o, reason)
            return None
        url, site = getattr(o, "url", None), getattr(o, "site_id", None)
        file_urls = getattr(o, "file_urls", None)
        if url is None or site is None or file_urls is None:
            return o
        referer = response.url if response is not None else None
        kept = []
        for f in file_urls:
            reason = policy.refusal(f, site)
            if reason is None:
                kept.append(f)
            else:
                self.safety.log.add_url(f, reason, site=site, referer=referer)
        o.file_urls = kept
        if url in file_urls and url not in kept:  # a report known only by a refused file link
            return None
        return o


class RefusalLog:
    """The crawl's refusals (one per URL), counted in stats; ``StorePipeline`` saves them to
    ``refused_urls`` when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.refusals: dict[str, Refusal] = {}

    @classmethod
    def of(cls, crawler: Crawler) -> RefusalLog:
        """The crawl's one log (shared by the middlewares)."""
        log = getattr(crawler, "_nianbao_refusals", None)
        if log is None:
            log = cls(crawler)
            crawler._nianbao_refusals = log  # type: ignore[attr-defined]
        return log

    def add(self, request: Request, reason: str, detail: str | None = None) -> None:
        """Record a request refused or stopped (its site and referer from the request)."""
        referer = request.meta.get("referer")
        if referer is None and request.headers.get(b"Referer"):
            referer = request.headers[b"Referer"].decode("latin-1")
        site = request.meta.get("site_id")
        self.add_url(request.url, reason, site=site, referer=referer, detail=detail)

    def add_url(
        self,
        url: str,
        reason: str,
        *,
        site: str | None = None,
        referer: str | None = None,
        detail: str | None = None,
    ) -> None:
        """Record a URL (once: the first reason stays) and count it in the stats."""
        if url in self.refusals:
            return
        self.refusals[url] = Refusal(url, reason, site, referer, detail)
        self.stats.inc_value(keys.REFUSED)
        self.stats.inc_value(keys.refused(reason))
        # An HTTP error answer is the site's, not a refusal of ours: recorded the same, logged
        # quietly (the sample portals' deliberate 404s would read as warnings).
        level = logging.INFO if reason.startswith("http_") else logging.WARNING
        verb = "not read" if reason.startswith("http_") else "refused"
        detail_text = f": {detail}" if detail else ""
        logger.log(level, "%s %s (%s)%s", verb, url[:300], reason, detail_text)


class UrlSafety:
    """Refuse URLs off the site's own web; record what the fetch limits stopped."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.allow_loopback = crawler.settings.getbool("NIANBAO_ALLOW_LOOPBACK")
        self.log = RefusalLog.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlSafety:
        return cls(crawler)

    def _policy(self) -> UrlPolicy:
        return crawl_policy(self.crawler)

    async def process_request(self, request: Request) -> None:
        reason = self._policy().refusal(request.url, request.meta.get("site_id"))
        if reason is None:
            reason = await self._resolved_refusal(request.url)
        if reason is not None:
            self.log.add(request, reason)
            raise IgnoreRequest(f"refused ({reason}): {request.url}")

    async def _resolved_refusal(self, url: str) -> str | None:
        """The policy on the address the host resolves to (the resolver caches it, so the
        download connects to the address checked here)."""
        host = urlsplit(url).hostname or ""
        if _is_ip(host) or host == "localhost" or host.endswith(".localhost"):
            return None  # already checked by the policy
        from twisted.internet import reactor

        try:
            address = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        except Exception:
            return None  # the download reports the DNS failure
        return address_refusal(address, allow_loopback=self.allow_loopback)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 400 and not request.meta.get("dont_obey_robotstxt"):
            self.log.add(request, f"http_{response.status}")
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest) or request.meta.get("dont_obey_robotstxt"):
            return  # robots.txt, the site budget: counted by their middlewares
        self.log.add(request, classify(exception).code, f"{type(exception).__name__}: {exception}")


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """A ``Retry-After`` header in seconds (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RedirectGuard:
    """Record redirect loops and over-long redirect chains; keep ``Retry-After`` for the retry.

    Its priority (650) is above RedirectMiddleware's (600) and RetryMiddleware's (550):
    responses pass it first, before those act on them. A redirect to a refused URL (another
    host, an internal address) is recorded here too.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES")
        self.log = RefusalLog.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in (429, 503):
            delay = retry_after_seconds(response.headers.get(b"Retry-After"))
            if delay is not None:
                request.meta["retry_after"] = delay
        if not (300 <= response.status < 400 and b"Location" in response.headers):
            return response
        target = urljoin(request.url, response.headers[b"Location"].decode("latin-1"))
        chain = request.meta.get("redirect_urls", [])
        first = chain[0] if chain else request.url
        site = request.meta.get("site_id")
        refusal = crawl_policy(self.crawler).refusal(target, site)
        if refusal is not None:  # Scrapy's offsite filter would drop it unrecorded
            self.log.add_url(target, refusal, site=site, referer=request.url, detail="redirect")
        elif target in chain or target == request.url:
            self._record(request, first, "redirect_loop", len(chain) + 1)
        elif request.meta.get("redirect_times", 0) >= self.max_times:
            self._record(request, first, "redirect_limit", len(chain) + 1)
        return response

    def _record(self, request: Request, first: str, reason: str, hops: int) -> None:
        site, referer = request.meta.get("site_id"), request.meta.get("referer")
        detail = f"{hops} redirects, last {request.url}"
        self.log.add_url(first, reason, site=site, referer=referer, detail=detail)


class RecordedDecompression(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (which stops a body decompressing past
    ``DOWNLOAD_MAXSIZE``: a gzip bomb), recording the URL it stops as ``decompression_limit``."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            RefusalLog.of(self.crawler).add(request, "decompression_limit", str(exc)[:300])
            raise

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordedDecompression:
        mw = super().from_crawler(crawler)
        mw.crawler = crawler
        return mw
