"""Headless Chromium for the lists only a browser can fill (scrapy-playwright, Debian chromium).

The spider renders a page only when it is inside the report area, yields no report link when
read statically, names no list endpoint a static strategy could fetch, and carries scripts
(:func:`needs_rendering`). The rendered DOM is read like any page; the JSON / XML answers
the page fetched while rendering are kept (:func:`capture_response`) and read for links.

:class:`Browser` is a Scrapy add-on (``ADDONS``): when ``NIANBAO_BROWSER`` is on and the
system's ``chromium`` is found (``shutil.which``; never downloaded) it routes requests marked
``playwright`` through scrapy-playwright's download handler, every other request through
Scrapy's own. Without chromium (or with ``NIANBAO_BROWSER = False``) the crawl runs the
same, and the pages that needed a browser are counted and named in the run's summary.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from typing import Any

from scrapy.http import TextResponse
from scrapy.settings import BaseSettings

from parsers.page import Page

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
_DATA_TYPES = ("json", "xml", "javascript", "text/plain", "text/html")
_MAX_CAPTURES = 20  # answers kept per rendered page
_SCRIPTED = re.compile(
    r"ajax|fetch\s*\(|XMLHttpRequest|innerHTML|\.html\(|\.append\(|document\.write|new Vue|"
    r"createApp|\.render\(|template|\.load\(|axios",
    re.I,
)
_LIBRARY = re.compile(
    r"jquery|bootstrap|layer|swiper|zepto|vue|react|polyfill|html5shiv|respond|analytics|"
    r"tongji|cnzz|baidu|share|jiucuo|wza|aria|common|public|base|nav|menu|search",
    re.I,
)
_EMPTY_BODY = 200  # characters of body text a list waiting for its script has at most


def chromium() -> str | None:
    """Path of the system's Chromium (Debian package ``chromium``), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def available() -> bool:
    """A browser can be driven here: scrapy-playwright is installed and so is chromium."""
    return chromium() is not None and importlib.util.find_spec("scrapy_playwright") is not None


def enabled(settings: BaseSettings) -> bool:
    """The crawl renders pages (the add-on installed scrapy-playwright's handler)."""
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    return handlers.get("http") == HANDLER


class Browser:
    """Scrapy add-on: scrapy-playwright with Debian's chromium, when asked for and present."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("NIANBAO_BROWSER") or not available():
            return
        settings.set("DOWNLOAD_HANDLERS", {"http": HANDLER, "https": HANDLER}, "addon")
        settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", "addon")
        launch = {"executable_path": chromium(), "headless": True, "args": CHROMIUM_ARGS}
        settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, "addon")
        settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, "addon")
        settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", 30_000, "addon")


def needs_rendering(response: TextResponse, page: Page, *, column: bool) -> bool:
    """A page whose list a script fills: scripts that build content, and a report column's
    name or next to no text of its own."""
    inline = " ".join(response.xpath("//script[not(@src)]/text()").getall())
    external = [
        src
        for src in response.xpath("//script/@src").getall()
        if not _LIBRARY.search(src.rsplit("/", 1)[-1])
    ]
    if not (_SCRIPTED.search(inline) or external):
        return False
    return column or len(page.text) < _EMPTY_BODY


def render_meta() -> dict[str, Any]:
    """Request meta of a page to render: wait until its network is idle, keep what it fetched."""
    return {
        "playwright": True,
        "dont_cache": True,  # the cache holds the page as served; the rendering must run
        "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
        "playwright_page_event_handlers": {"response": "capture_response"},
    }


async def capture(spider: Any, response: Any) -> None:
    """Keep the text of a data answer (JSON, XML, HTML fragment) a rendered page fetched."""
    if response.request.resource_type not in ("xhr", "fetch", "document"):
        return
    ctype = (response.headers.get("content-type") or "").lower()
    if not any(t in ctype for t in _DATA_TYPES):
        return
    page_url = response.frame.page.url if response.frame and response.frame.page else ""
    kept = spider.browser_captures.setdefault(page_url, [])
    if len(kept) >= _MAX_CAPTURES or response.url == page_url:
        return
    try:
        kept.append((response.url, await response.text()))
    except Exception:  # the page closed before the body arrived: its DOM still has the links
        return


def captured(spider: Any, page_url: str) -> list[tuple[str, str]]:
    """The data answers a rendered page fetched, ``(url, text)``."""
    return spider.browser_captures.pop(page_url, [])
