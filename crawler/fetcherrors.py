"""Why a site could not be fetched: each request that failed for good, counted per site and reason.

A downloader middleware placed before RetryMiddleware (it sees an exception or an answer only
once retries are spent) adds ``nianbao/fetch_error/<site_id>/<reason>`` to the stats, the
reason in words: ``connection refused``, ``DNS lookup failed``, ``timed out``, ``connection
lost``, ``TLS error``, ``HTTP 404``, else the exception's name; and
``nianbao/answered/<site_id>`` for each answer below 400. ``nianbao crawl`` prints them beside
a site without reports. :func:`classify` is the one classifier of download exceptions: the
same table gives these words and the codes ``UrlSafety`` saves in ``refused_urls.reason``
(``unreachable``, ``timeout``, ``connection_lost``, ``too_large``, else the exception's name).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler import stats as keys


class Failure(NamedTuple):
    """How a download failed: ``code`` for ``refused_urls.reason``, ``words`` for the summary."""

    code: str
    words: str


# Exception class names (Twisted, Scrapy, OpenSSL) → (code, words); a code of None keeps the
# class name (as a name missing from the table does, for both).
FAILURES: dict[str, tuple[str | None, str]] = {
    "DownloadConnectionRefusedError": ("unreachable", "connection refused"),
    "CannotResolveHostError": ("unreachable", "DNS lookup failed (no such host)"),
    "DownloadTimeoutError": ("timeout", "timed out"),
    "ResponseDataLossError": ("connection_lost", "response cut short"),
    "DownloadFailedError": ("connection_lost", "download failed"),
    "ConnectionRefusedError": ("unreachable", "connection refused"),
    "DNSLookupError": ("unreachable", "DNS lookup failed (no such host)"),
    "TimeoutError": ("timeout", "timed out"),
    "TCPTimedOutError": ("timeout", "timed out"),
    "ConnectError": (None, "could not connect"),
    "NoRouteError": (None, "no route to host"),
    "ConnectionLost": ("connection_lost", "connection lost"),
    "ConnectionDone": ("connection_lost", "connection closed"),
    "PotentialDataLoss": ("connection_lost", "PotentialDataLoss"),
    "ResponseNeverReceived": ("unreachable", "no response (connection dropped)"),
    "ResponseFailed": ("connection_lost", "response broken off"),
    "SSLError": (None, "TLS error"),
    "Error": (None, "TLS error"),  # OpenSSL.SSL.Error
}


def _too_large(name: str, text: str) -> bool:
    """A download stopped by the size limits (DOWNLOAD_MAXSIZE, the decompression limit)."""
    return "DownloadCancelled" in name or "max size" in text or "maxsize" in text.lower()


def classify(exception: BaseException) -> Failure:
    """The one classification of a download exception (code and words)."""
    name = type(exception).__name__
    if name == "Error" and "SSL" not in type(exception).__module__:
        return Failure(name, name)
    code, words = FAILURES.get(name, (None, name))
    text = str(exception)
    if _too_large(name, text):
        code = "too_large"
    elif code is None and "Timeout" in name:
        code = "timeout"
    elif code is None and ("Decompression" in name or "decompress" in text.lower()):
        code = "too_large"
    return Failure(code or name, words)


def reason_for(exception: BaseException) -> str:
    """The reason in words for a download exception."""
    return classify(exception).words


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
            self.stats.inc_value(keys.fetch_error(site, reason_for(exception)))

    def process_response(self, request: Request, response: Response, spider: Any = None):
        site = request.meta.get("site_id")
        if not site:
            return response
        if response.status >= 400:
            self.stats.inc_value(keys.fetch_error(site, f"HTTP {response.status}"))
        else:
            self.stats.inc_value(keys.answered(site))
        return response
