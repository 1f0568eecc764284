"""Why a site could not be fetched: each request that failed for good, counted per site and reason.

A downloader middleware placed before RetryMiddleware (it sees an exception or an answer only
once retries are spent) adds ``nianbao/fetch_error/<site_id>/<reason>`` to the stats, the
reason in words: ``connection refused``, ``DNS lookup failed``, ``timed out``, ``connection
lost``, ``TLS error``, ``HTTP 404``, else the exception's name; and
``nianbao/answered/<site_id>`` for each answer below 400. ``nianbao crawl`` prints them beside
a site without reports.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

PREFIX = "nianbao/fetch_error/"
ANSWERED = "nianbao/answered/"

# Exception class names (Twisted, Scrapy, OpenSSL) → a reason an operator reads.
REASONS = {
    "DownloadConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "DNS lookup failed (no such host)",
    "DownloadTimeoutError": "timed out",
    "ResponseDataLossError": "response cut short",
    "DownloadFailedError": "download failed",
    "ConnectionRefusedError": "connection refused",
    "DNSLookupError": "DNS lookup failed (no such host)",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ConnectError": "could not connect",
    "NoRouteError": "no route to host",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed",
    "ResponseNeverReceived": "no response (connection dropped)",
    "ResponseFailed": "response broken off",
    "SSLError": "TLS error",
    "Error": "TLS error",  # OpenSSL.SSL.Error
}


def reason_for(exception: BaseException) -> str:
    """The reason in words for a download exception."""
    name = type(exception).__name__
    if name == "Error" and "SSL" not in type(exception).__module__:
        return name
    return REASONS.get(name, name)


class FetchErrors:
    """Counts requests that failed for good, per site and reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchErrors:
        return cls(crawler)

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None):
        site = request.meta.get("site_id")
        if site:  # robots.txt requests carry none (their failure repeats on the page)
            self.stats.inc_value(f"{PREFIX}{site}/{reason_for(exception)}")

    def process_response(self, request: Request, response: Response, spider: Any = None):
        site = request.meta.get("site_id")
        if not site:
            return response
        if response.status >= 400:
            self.stats.inc_value(f"{PREFIX}{site}/HTTP {response.status}")
        else:
            self.stats.inc_value(f"{ANSWERED}{site}")
        return response


def site_fetch_errors(stats: dict[str, Any], site_id: str) -> dict[str, int]:
    """The fetch errors of one site from the final stats: reason → requests."""
    prefix = f"{PREFIX}{site_id}/"
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}
