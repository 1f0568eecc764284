"""Serve the bundled mock county portals (``samples/portals/<site>/``) on 127.0.0.1.

Each site gets its own threaded ``http.server`` on an ephemeral port, as a context manager::

    with serve_portals() as portals:          # {site key: PortalServer}
        url = portals["trs"].url("/index.html")

A server behaves like a real portal: files from ``www/`` (directories → ``index.html``; a query
string maps to the file ``<path>@<query>``), ``site.json`` redirects (301/302) and pages that
fail once (500, then OK), Hanweb ``/module/jpage/dataproxy.jsp`` XML, Guangdong
``/gkmlpt/api/all/<column>?page=N&sid=…`` JSON, deep generated news columns, and the JSON/XML
list APIs of portals written by ``nianbao.testing.portalgen`` (``site.json`` → ``lists``;
query or POST form fields). A ``charset`` of ``""`` sends ``text/html`` without one. It sends
ETag / Last-Modified / Cache-Control and answers conditional requests with 304. Every request
is recorded (``server.requests``); tests may change a page (``set_page``) or take the site
down (``down = True``). Servers stop on leaving the context, or by themselves after
``lifetime`` seconds without a request.

    python -m nianbao.testing.portalserver   # serve all sites until Ctrl-C, printing their URLs
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from nianbao.resources import portals_dir

PORTALS_DIR = portals_dir()  # samples/portals/ of the source tree or of share/nianbao/
SITES: tuple[str, ...] = ("trs", "pagelist", "townships", "gkmlpt", "hanweb")
# Portals written by nianbao.testing.portalgen (python -m nianbao.testing.samplebuild.newstyles)
# in styles the crawler has to learn: served like SITES, crawled by test_crawl_new_styles.
NEW_STYLE_SITES: tuple[str, ...] = ("scriptlist", "hanwebstore", "ulmenu", "towntree")

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".json": "application/json",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".wps": "application/kswps",
}
_NEWS_TITLES = (
    "县政务公开办组织开展政务公开业务培训",
    "全县政务公开工作推进会召开",
    "我县召开安全生产工作会议",
    "县领导督导检查秋粮收购工作",
    "我县开展“双随机、一公开”监管抽查",
)


@dataclass
class Logged:
    """One request the server answered."""

    method: str
    path: str  # path with query string
    status: int
    headers: dict[str, str]


@dataclass
class Page:
    """A response body and when it last changed."""

    body: bytes
    content_type: str
    mtime: float


@dataclass
class PortalServer:
    """One mock portal on 127.0.0.1 (start with :meth:`start` or use as a context manager)."""

    key: str
    root: Path = PORTALS_DIR
    lifetime: float = 600.0
    down: bool = False
    requests: list[Logged] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    _overrides: dict[str, Page] = field(default_factory=dict)
    _failed: set[str] = field(default_factory=set)
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop_lock: threading.Lock = field(default_factory=threading.Lock)
    _last_request: float = 0.0

    def __post_init__(self) -> None:
        self.site_dir = self.root / self.key
        self.www = self.site_dir / "www"
        self.config = json.loads((self.site_dir / "site.json").read_text(encoding="utf-8"))
        self.expected = json.loads((self.site_dir / "expected.json").read_text(encoding="utf-8"))

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> PortalServer:
        """Bind an ephemeral port and serve in a daemon thread."""
        server = self

        class Handler(_Handler):
            portal = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        self._last_request = time.monotonic()
        self._arm(self.lifetime)
        return self

    def _arm(self, delay: float) -> None:
        timer = threading.Timer(delay, self._expire)
        timer.daemon = True
        timer.start()

    def _expire(self) -> None:
        """Stop once ``lifetime`` seconds passed without a request (a slow test run that still
        uses the server keeps it)."""
        idle = time.monotonic() - self._last_request
        if idle >= self.lifetime:
            self.stop()
        elif self._httpd is not None:
            self._arm(self.lifetime - idle)

    def stop(self) -> None:
        """Stop serving (idempotent, and safe when the lifetime timer stops it at once)."""
        with self._stop_lock:
            httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> PortalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/index.html") -> str:
        """Absolute URL of a path on this portal."""
        return self.base_url + path

    # -- test controls ------------------------------------------------------------------------

    def set_page(self, path: str, body: bytes | str, content_type: str | None = None) -> None:
        """Replace (or add) a page; it gets a new ETag and Last-Modified."""
        data = body.encode(self.charset) if isinstance(body, str) else body
        ctype = content_type or _TYPES.get(Path(urlsplit(path).path).suffix, "text/html")
        with self._lock:
            self._overrides[path] = Page(data, ctype, time.time())

    def read_page(self, path: str) -> bytes:
        """The bytes a path currently serves (files and overrides only)."""
        page = self._overrides.get(path) or self._file(path)
        if page is None:
            raise FileNotFoundError(path)
        return page.body

    def paths_requested(self, status: int | None = None) -> list[str]:
        """Paths (with query) requested so far, optionally only those answered with ``status``."""
        return [r.path for r in self.requests if status is None or r.status == status]

    def clear_log(self) -> None:
        self.requests.clear()

    @property
    def charset(self) -> str:
        cs = str(self.config.get("charset") or "utf-8").lower()
        return "gbk" if cs in ("gb2312", "gbk") else cs

    # -- routing --------------------------------------------------------------------------------

    def respond(
        self, method: str, target: str, headers: dict[str, str], form: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request (also records it); ``form``: a POST body."""
        status, out_headers, body = self._route(target, headers, form)
        with self._lock:
            self.requests.append(Logged(method, target, status, headers))
        return status, out_headers, body

    def _route(
        self, target: str, headers: dict[str, str], form: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        if self.down:
            return 503, {"Content-Type": "text/plain", "Retry-After": "3600"}, b"maintenance"
        parts = urlsplit(target)
        path = parts.path or "/"
        fail_once = self.config.get("fail_once", [])
        with self._lock:
            if target in fail_once and target not in self._failed:
                self._failed.add(target)
                return 500, {"Content-Type": "text/plain"}, b"Internal Server Error"
        redirect = self.config.get("redirects", {}).get(target)
        if redirect:
            location, code = redirect
            return int(code), {"Location": self.base_url + location}, b""
        query = parse_qs(parts.query, keep_blank_values=True)
        for name, values in parse_qs(form, keep_blank_values=True).items():
            query.setdefault(name, values)
        page = self._overrides.get(target) or self._dynamic(path, query)
        if page is None:
            page = self._file(target)
        if page is None:
            return (
                404,
                {"Content-Type": "text/html"},
                b"<html><body><h1>404 Not Found</h1></body></html>",
            )
        return self._conditional(page, headers)

    def _file(self, target: str) -> Page | None:
        parts = urlsplit(target)
        rel = parts.path.lstrip("/")
        if parts.query:
            rel += "@" + parts.query
        candidate = self.www / rel
        if candidate.is_dir() or not rel or rel.endswith("/"):
            candidate = candidate / "index.html"
        try:
            candidate.resolve().relative_to(self.www.resolve())
        except ValueError:
            return None
        if not candidate.is_file():
            return None
        suffix = Path(parts.path).suffix or ".html"
        ctype = _TYPES.get(suffix, "application/octet-stream")
        return Page(candidate.read_bytes(), ctype, candidate.stat().st_mtime)

    def _conditional(
        self, page: Page, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        mtime = int(page.mtime)
        ctype = page.content_type
        if ctype == "text/html" and self.config.get("charset", "utf-8"):
            ctype += f"; charset={self.config.get('charset', 'utf-8')}"
        elif ctype in ("application/json", "application/xml", "text/plain"):
            ctype += "; charset=utf-8"
        binary = not ctype.startswith(("text/", "application/json", "application/xml"))
        out = {
            "Content-Type": ctype,
            "ETag": etag,
            "Last-Modified": formatdate(mtime, usegmt=True),
            # Pages may change: stale at once, revalidate each time (``no-cache`` would make
            # Scrapy's RFC2616Policy re-download without validators). Attachments: a day.
            "Cache-Control": "max-age=86400" if binary else "max-age=0",
        }
        inm = headers.get("if-none-match")
        ims = headers.get("if-modified-since")
        if inm is not None:
            if etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return 304, out, b""
        elif ims is not None:
            try:
                if mtime <= parsedate_to_datetime(ims).timestamp():
                    return 304, out, b""
            except (TypeError, ValueError):
                pass
        return 200, out, page.body

    # -- dynamic endpoints ------------------------------------------------------------------------

    def _dynamic(self, path: str, query: dict[str, list[str]]) -> Page | None:
        q = {k: v[0] for k, v in query.items()}
        for spec in self.config.get("lists", []):
            if spec["path"] == path and (page := self._list_api(spec, q)) is not None:
                return page
        if path in _DATAPROXY and "startrecord" in q:
            return self._dataproxy(q)
        if m := re.fullmatch(r"/gkmlpt/api/all/(\d+)", path):
            return self._gkmlpt(m.group(1), q)
        for key in ("news", "news2"):
            news = self.config.get(key)
            if news and path.startswith(news["prefix"]):
                return self._news(news, path[len(news["prefix"]) :], q)
        return None

    def _list_api(self, spec: dict[str, Any], q: dict[str, str]) -> Page | None:
        """A JSON/XML list API of a generated portal (``site.json`` → ``lists``)."""
        from nianbao.testing.listapi import answer

        file = self.site_dir / spec["records"]
        records = json.loads(file.read_text(encoding="utf-8"))
        answered = answer(spec, records, q, self.base_url)
        if answered is None:
            return None
        body, ctype = answered
        return Page(body, ctype, file.stat().st_mtime)

    def _records(self, name: str) -> list[Any] | None:
        file = self.www / name
        if not file.is_file():
            return None
        return json.loads(file.read_text(encoding="utf-8"))

    def _dataproxy(self, q: dict[str, str]) -> Page | None:
        records = self._records(f"module/jpage/col{q.get('columnid', '')}.json")
        if records is None:
            return None
        try:
            start, end = int(q["startrecord"]), int(q.get("endrecord", q["startrecord"]))
        except ValueError:
            return None
        chosen = records[max(start - 1, 0) : end]
        perpage = int(q.get("perpage", "15") or 15)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n'
            f"<totalrecord>{len(records)}</totalrecord>\n"
            f"<totalpage>{-(-len(records) // perpage)}</totalpage>\n<recordset>\n"
            + "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in chosen)
            + "</recordset>\n</datastore>\n"
        )
        return Page(body.encode(), "application/xml", self._mtime("module/jpage"))

    def _gkmlpt(self, column: str, q: dict[str, str]) -> Page | None:
        settings = self.config.get("gkmlpt", {})
        if q.get("sid") != settings.get("sid"):
            body = json.dumps({"error": "sid required"}).encode()
            return Page(body, "application/json", 0)
        records = self._records(f"gkmlpt/api/all/{column}.json")
        if records is None:
            return None
        size = int(settings.get("page_size", 10))
        page = max(int(q.get("page", "1") or 1), 1)
        articles = [
            {**r, "url": self.base_url + r["url"]} for r in records[(page - 1) * size : page * size]
        ]
        body = {"articles": articles, "total": len(records), "page": page, "page_size": size}
        data = json.dumps(body, ensure_ascii=False).encode()
        return Page(data, "application/json", self._mtime("gkmlpt/api/all"))

    def _news(self, news: dict[str, Any], rest: str, q: dict[str, str]) -> Page | None:
        pages = int(news["pages"])
        per = 20
        if m := re.fullmatch(r"art_(\d+)\.html", rest):
            n = int(m.group(1))
            title = _NEWS_TITLES[n % len(_NEWS_TITLES)] + f"（第{n}期）"
            html = self._chrome(title, f"<h1>{title}</h1><p>{title}。全文略。</p>")
            return Page(html, "text/html", self._mtime("."))
        if rest in ("", "index.html", "list.html"):
            index = int(q.get("page", "1") or 1) - 1
        elif m := re.fullmatch(r"index_(\d+)\.html", rest):
            index = int(m.group(1))
        else:
            return None
        if not 0 <= index < pages:
            return None
        items = "".join(
            f'<li><a href="{news["prefix"]}art_{index * per + i}.html">'
            f"{_NEWS_TITLES[(index * per + i) % len(_NEWS_TITLES)]}（第{index * per + i}期）</a>"
            f"<span>2023-0{1 + i % 9}-1{i % 9}</span></li>"
            for i in range(per)
        )
        if news.get("style") == "trs":
            pager = (
                '<script type="text/javascript">'
                f'createPageHTML({pages}, {index}, "index", "html");</script>'
            )
        else:
            nxt = f"{news['prefix']}list.html?{urlencode({'page': index + 2})}"
            pager = (
                f'<div class="pager"><a href="{nxt}">下一页</a></div>' if index + 1 < pages else ""
            )
        html = self._chrome(news["title"], f'<ul class="list">{items}</ul>{pager}')
        return Page(html, "text/html", self._mtime("."))

    def _mtime(self, rel: str) -> float:
        return (self.www / rel).stat().st_mtime if (self.www / rel).exists() else 0.0

    def _chrome(self, title: str, body: str) -> bytes:
        charset = self.config.get("charset", "utf-8")
        html = (
            f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}-'
            f'{self.config.get("name", "")}</title></head><body><div class="nav">'
            '<a href="/index.html">首页</a></div><div class="main">'
            f"{body}</div></body></html>"
        )
        return html.encode(self.charset)


_DATAPROXY = ("/module/jpage/dataproxy.jsp", "/module/web/jpage/dataproxy.jsp")


class _Handler(BaseHTTPRequestHandler):
    portal: PortalServer
    server_version = "nginx"
    sys_version = ""

    def _serve(self, method: str) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        form = ""
        if method == "POST":
            length = int(headers.get("content-length", "0") or 0)
            form = self.rfile.read(length).decode("utf-8", "replace")
        self.portal._last_request = time.monotonic()
        status, out, body = self.portal.respond(method, self.path, headers, form)
        self.send_response(status)
        for name, value in out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method != "HEAD" and status != 304:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@contextmanager
def serve_portals(
    sites: tuple[str, ...] | list[str] = SITES, *, lifetime: float = 600.0
) -> Iterator[dict[str, PortalServer]]:
    """Start one server per site; stop them all on exit."""
    servers = {key: PortalServer(key, lifetime=lifetime).start() for key in sites}
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def main() -> None:
    """Serve every sample portal (the new styles too) until interrupted."""
    with serve_portals(SITES + NEW_STYLE_SITES, lifetime=24 * 3600) as servers:
        for key, server in servers.items():
            print(f"{key:10s} {server.url()}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
