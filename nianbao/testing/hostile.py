"""A hostile mock county portal on 127.0.0.1: valid reports beside every trap a portal can set.

    with serve_hostile() as portal:            # HostilePortal (stops by itself after lifetime)
        portal.url("/index.html"), portal.canary.requests, portal.cases

The home page links (as report candidates) to: a redirect loop, a 30-hop redirect chain,
redirects to a link-local address and to the canary, an
endless list (共100000页, 下一页 on every page) beside the real list whose page 2 holds two
reports (an HTML page and a PDF-only one), a 50 MB page (with and without Content-Length), a
gzip bomb (~1 GB decompressed), a response that stalls after its headers, a connection reset
mid-body, GBK declared UTF-8 and the reverse, binary garbage as text/html, a report with a
5,000-row table, malformed HTML (``</td></tr>`` dropped, a stray ``</table>``), 429 and 503 with
``Retry-After: 2`` for 3.5 s (then OK), a "PDF" that is an HTML error page, a truncated PDF,
a DOCX zip bomb, a PDF of 2,000 pages, and links no crawler of this portal may follow: another host,
``javascript:``, ``data:``, ``file:///…/secret.pdf``, ``ftp:``, ``localhost`` / ``127.0.0.1`` /
``[::1]`` on another port (a canary server that records any request), private and link-local
addresses. Valid reports are pages of the bundled sample portals (``samples/portals``), with
the cells their manifests expect (``HostilePortal.expected``). Every request is logged with
the bytes sent.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from nianbao.resources import portals_dir

PORTALS = portals_dir()
FIXTURE_PDF = Path(__file__).resolve().parent.parent.parent / "tests/fixtures/documents"

# Valid reports: served path -> (sample portal, path there).
VALID: dict[str, tuple[str, str]] = {
    "/nb/2022-county.html": ("trs", "/zwgk/zfxxgk/zfxxgknb/2022n/202301/t20230118_2001.html"),
    "/nb/p2/hanweb-2023.html": ("hanweb", "/art/2024/1/22/art_1229214366_58900001.html"),
    "/nb/p2/czj-2022.pdf": ("gkmlpt", "/files/mj-czj-2022.pdf"),
    "/h/busy-503.html": ("townships", "/zfxxgk/zfxxgknb/n2022n/xf.htm"),
    "/h/busy-429.html": (
        "pagelist",
        "/xxgk/xxgknb/content/2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809.html",
    ),
    "/h/gbk-declared-utf8.html": ("trs", "/zwgk/zfxxgk/zfxxgknb/2022n/202301/t20230120_2002.html"),
    "/h/utf8-declared-gbk.html": ("townships", "/zfxxgk/zfxxgknb/n2022n/xz/zgz.htm"),
    "/h/malformed.html": ("gkmlpt", "/gkmlpt/content/2/2032/post_1930201.html"),
    "/h/rows5000.html": ("trs", "/zwgk/bmxxgk/jyj/zfxxgknb/202301/t20230110_501.html"),
}
CHAIN_HOPS = 30
CHAIN_END = ("trs", "/zwgk/zfxxgk/zfxxgknb/2021n/202201/t20220120_1001.html")
HTML = "text/html; charset=utf-8"
BIG = 50 * 1024 * 1024
BOMB = 1024 * 1024 * 1024
BUSY_SECONDS = 3.5  # /h/busy-503.html and -429 answer 503/429 (Retry-After: 2) this long


def _sample(site: str, path: str) -> tuple[bytes, str, dict[str, Any]]:
    """A sample portal's file, its charset, and its manifest entry."""
    root = PORTALS / site
    charset = json.loads((root / "site.json").read_text(encoding="utf-8")).get("charset", "utf-8")
    charset = "gb18030" if charset.lower() in ("gb2312", "gbk") else charset  # what they hold
    manifest = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    entry = next(r for r in manifest["reports"] if r["url"] == path)
    return (root / "www" / path.lstrip("/")).read_bytes(), charset, entry


@cache
def gzip_bomb(size: int = BOMB) -> bytes:
    """Gzip members of 16 MiB of zeros, concatenated: ``size`` bytes once decompressed
    (~1 MB compressed for 1 GiB); built from one compressed member, never held expanded."""
    chunk = 16 * 1024 * 1024
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = c.compress(bytes(chunk)) + c.flush()
    return member * (size // chunk)


@cache
def docx_bomb(size: int = BOMB) -> bytes:
    """A .docx whose ``word/document.xml`` inflates to ``size`` bytes of spaces (declared so).

    The deflate stream repeats one fully flushed block; nothing of ``size`` is ever built."""
    chunk = 16 * 1024 * 1024
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b" " * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/word/document.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            b'Target="word/document.xml"/></Relationships>'
        ),
    }
    out, central = bytearray(), bytearray()
    entries = [(n, d, 0, len(d), zlib.crc32(d), d) for n, d in parts.items()]
    bomb = block * (size // chunk) + tail
    entries.append(("word/document.xml", bomb, 8, size, 0, None))
    for name, data, method, raw_size, crc, _ in entries:
        offset = len(out)
        fname = name.encode()
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), raw_size,
            len(fname), 0,
        )  # fmt: skip
        out += header + fname + data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0, crc, len(data),
            raw_size, len(fname), 0, 0, 0, 0, 0, offset,
        ) + fname  # fmt: skip
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0
    )
    return bytes(out + central + end)


@cache
def long_pdf(pages: int = 2000) -> bytes:
    """A valid PDF of ``pages`` pages, each printing one line of text."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = b"BT /F1 12 Tf 72 720 Td (annual report, page) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    kids = []
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _garbage(size: int = 200_000) -> bytes:
    """Deterministic binary noise (NULs, control bytes, invalid UTF-8)."""
    out, x = bytearray(), 2463534242
    for _ in range(size):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


def _charset(html: str, charset: str) -> str:
    """The page's ``<meta charset>`` declarations set to ``charset``."""
    import re

    return re.sub(r"charset=[\"']?[\w-]+", f"charset={charset}", html, flags=re.I)


def _link(href: str, text: str) -> str:
    return f'<li><a href="{href}">{text}</a></li>'


def _page(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><h1>{title}</h1>{body}</body></html>"
    ).encode()


@dataclass
class Logged:
    """One request the server answered: path (with query), status, bytes of body sent."""

    path: str
    status: int
    sent: int
    at: float


@dataclass
class Server:
    """A threaded HTTP server on 127.0.0.1 that stops by itself after ``lifetime`` seconds."""

    lifetime: float = 300.0
    requests: list[Logged] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    httpd: ThreadingHTTPServer | None = None

    def start(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        timer = threading.Timer(self.lifetime, self.stop)
        timer.daemon = True
        timer.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    @property
    def port(self) -> int:
        assert self.httpd is not None
        return self.httpd.server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, prefix: str) -> list[Logged]:
        return [r for r in self.requests if r.path.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    server_ref: Server
    portal: HostilePortal | None = None
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = HTML, **headers: Any) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), str(value))
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        sent = 0
        try:
            self.wfile.write(body)
            sent = len(body)
        except OSError:
            pass
        self._log(status, sent)

    def _log(self, status: int, sent: int) -> None:
        self.server_ref.requests.append(Logged(self.path, status, sent, time.monotonic()))

    def do_GET(self) -> None:
        if self.portal is None:  # the canary: nobody should ever ask it anything
            self._send(200, _page("canary", "2023年政府信息公开工作年度报告"))
            return
        self.portal.answer(self)


@dataclass
class HostilePortal:
    """The hostile portal, its canary on another port, and the reports it serves validly."""

    lifetime: float = 300.0
    secret: Path | None = None  # a local file the portal links as file:///…/secret.pdf
    only: str | None = None  # home links only this case ("/h/…", "trap" or "refused")
    server: Server = field(default_factory=Server)
    canary: Server = field(default_factory=Server)
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    _first_hit: dict[str, float] = field(default_factory=dict)

    def start(self) -> HostilePortal:
        self.server.lifetime = self.canary.lifetime = self.lifetime
        canary = type("Canary", (_Handler,), {"server_ref": self.canary})
        self.canary.start(canary)
        handler = type("Hostile", (_Handler,), {"server_ref": self.server, "portal": self})
        self.server.start(handler)
        self.expected = {path: _sample(*where)[2] for path, where in VALID.items()}
        return self

    def stop(self) -> None:
        self.server.stop()
        self.canary.stop()

    def url(self, path: str = "/index.html") -> str:
        return self.server.url(path)

    @property
    def requests(self) -> list[Logged]:
        return self.server.requests

    # -- pages ---------------------------------------------------------------------------

    def refused_links(self) -> dict[str, str]:
        """Links no crawl of this portal may request (text → href)."""
        secret = self.secret.as_uri() if self.secret else "file:///etc/passwd"
        other = self.canary.port
        return {
            "2023年政府信息公开工作年度报告（外站）": "http://other-host.example/nb2023.html",
            "2023年政府信息公开工作年度报告（脚本）": "javascript:alert(document.cookie)",
            "2023年政府信息公开工作年度报告（数据）": "data:text/html,<script>alert(1)</script>",
            "2023年政府信息公开工作年度报告（本地文件）": secret,
            "2023年政府信息公开工作年度报告（FTP）": f"ftp://127.0.0.1:{other}/nb2023.pdf",
            "2023年政府信息公开工作年度报告（本机）": f"http://localhost:{other}/nb2023.pdf",
            "2023年政府信息公开工作年度报告（回环）": f"http://127.0.0.1:{other}/nb2023.html",
            "2023年政府信息公开工作年度报告（IPv6回环）": f"http://[::1]:{other}/nb2023.html",
            "2023年政府信息公开工作年度报告（内网）": "http://10.0.0.1/nb2023.html",
            "2023年政府信息公开工作年度报告（路由器）": "http://192.168.1.1/nb2023.pdf",
            "2023年政府信息公开工作年度报告（元数据）": "http://169.254.169.254/latest/meta-data/",
        }

    HOSTILE: ClassVar[dict[str, str]] = {
        "/h/loop-a.html": "重定向循环",
        "/h/chain/0.html": "三十次重定向",
        "/h/redirect-internal.html": "重定向到内网",
        "/h/redirect-canary.html": "重定向到本机其他端口",
        "/h/big.html": "五十兆页面",
        "/h/big-stream.html": "五十兆页面无长度",
        "/h/gzip-bomb.html": "压缩炸弹",
        "/h/stall.html": "只发头部",
        "/h/reset.html": "连接重置",
        "/h/garbage.html": "二进制乱码",
        "/h/busy-503.html": "服务繁忙",
        "/h/busy-429.html": "请求过多",
        "/h/gbk-declared-utf8.html": "编码错标",
        "/h/utf8-declared-gbk.html": "编码反标",
        "/h/malformed.html": "残缺标记",
        "/h/rows5000.html": "五千行表格",
        "/h/fake.pdf": "假PDF",
        "/h/truncated.pdf": "截断PDF",
        "/h/bomb.docx": "压缩炸弹Word",
        "/h/pages2000.pdf": "两千页PDF",
    }

    def home(self) -> bytes:
        only = self.only
        links = []
        if only in (None, "trap"):
            links.append(_link("/trap/list.html?page=1", "政府信息公开年度报告"))
            links.append(_link("/nb/index.html", "政府信息公开年度报告"))
        title = "2023年政府信息公开工作年度报告（{}）"
        links += [_link(p, title.format(t)) for p, t in self.HOSTILE.items() if only in (None, p)]
        if only in (None, "refused"):
            links += [_link(href, text) for text, href in self.refused_links().items()]
        return _page("某县人民政府", f"<ul>{''.join(links)}</ul>")

    def real_list(self, page: int) -> bytes:
        if page == 1:
            items = [_link("/nb/2022-county.html", "青山县人民政府2022年政府信息公开工作年度报告")]
        else:
            items = [
                _link("/nb/p2/hanweb-2023.html", "宁波市江北区2023年政府信息公开工作年度报告"),
                _link("/nb/p2/czj-2022.pdf", "梅江区财政局2022年政府信息公开工作年度报告"),
            ]
        pager = "共2页 " + (_link("/nb/index.html?page=2", "下一页") if page == 1 else "")
        return _page("政府信息公开年度报告", f"<ul>{''.join(items)}</ul><div>{pager}</div>")

    def trap(self, page: int) -> bytes:
        """An endless list: every page links the next and the same old report."""
        items = _link("/nb/2022-county.html", "青山县人民政府2022年政府信息公开工作年度报告")
        pager = f"共100000页 第{page}页 " + _link(f"/trap/list.html?page={page + 1}", "下一页")
        return _page("政府信息公开年度报告", f"<ul>{items}</ul><div>{pager}</div>")

    def valid(self, path: str) -> tuple[bytes, str]:
        data, charset, _ = _sample(*VALID[path])
        ctype = "application/pdf" if path.endswith(".pdf") else f"text/html; charset={charset}"
        if path == "/nb/2022-county.html":  # attachments it must not follow
            secret = self.secret.as_uri() if self.secret else "file:///etc/passwd"
            extra = (
                f'<a href="{secret}">附件：年度报告.pdf</a>'
                f'<a href="http://127.0.0.1:{self.canary.port}/att/nb2022.pdf">附件2.pdf</a>'
            ).encode(charset)
            data = data.replace(b"</body>", extra + b"</body>")
        if path == "/h/gbk-declared-utf8.html":
            text = _charset(data.decode(charset), "utf-8")
            return text.encode("gbk"), "text/html; charset=utf-8"
        if path == "/h/utf8-declared-gbk.html":
            text = _charset(data.decode(charset), "gbk")
            return text.encode("utf-8"), "text/html; charset=gbk"
        if path == "/h/malformed.html":
            text = data.decode(charset).replace("</td>", "").replace("</tr>", "")
            text = text.replace("<table", "</table><table", 1)
            return text.encode(charset), ctype
        if path == "/h/rows5000.html":
            rows = "".join(f"<tr><td>附表项目{n}</td><td>{n}</td></tr>" for n in range(5000))
            extra = f"<p>附表</p><table>{rows}</table>".encode(charset)
            return data.replace(b"</body>", extra + b"</body>"), ctype
        return data, ctype

    # -- answering ------------------------------------------------------------------------

    def answer(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parts.query
        number = int(query.split("=")[-1]) if query.startswith("page=") else 1
        if path in ("/", "/index.html"):
            h._send(200, self.home())
        elif path == "/robots.txt":
            h._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif path == "/nb/index.html":
            h._send(200, self.real_list(number))
        elif path == "/trap/list.html":
            h._send(200, self.trap(number))
        elif path == "/h/loop-a.html":
            h._send(302, Location="/h/loop-b.html")
        elif path == "/h/loop-b.html":
            h._send(302, Location="/h/loop-a.html")
        elif path == "/h/redirect-internal.html":
            h._send(302, Location="http://169.254.169.254/latest/meta-data/iam")
        elif path == "/h/redirect-canary.html":
            h._send(302, Location=self.canary.url("/redirected.html"))
        elif path.startswith("/h/chain/"):
            hop = int(path.rsplit("/", 1)[-1].split(".")[0])
            target = f"/h/chain/{hop + 1}.html" if hop < CHAIN_HOPS else "/h/chain-end.html"
            h._send(302, Location=target)
        elif path == "/h/chain-end.html":
            data, charset, _ = _sample(*CHAIN_END)
            h._send(200, data, f"text/html; charset={charset}")
        elif path == "/h/big.html":
            self._stream(h, BIG, with_length=True)
        elif path == "/h/big-stream.html":
            self._stream(h, BIG, with_length=False)
        elif path == "/h/gzip-bomb.html":
            h._send(200, gzip_bomb(), Content_Encoding="gzip")
        elif path == "/h/stall.html":
            self._stall(h)
        elif path == "/h/reset.html":
            self._reset(h)
        elif path == "/h/garbage.html":
            h._send(200, _garbage())
        elif path == "/h/busy-503.html" and self._busy(path, BUSY_SECONDS):
            h._send(503, b"busy", Retry_After=2)
        elif path == "/h/busy-429.html" and self._busy(path, BUSY_SECONDS):
            h._send(429, b"slow down", Retry_After=2)
        elif path in VALID:
            h._send(200, *self.valid(path))
        elif path == "/h/fake.pdf":
            h._send(200, _page("404 页面不存在", "您访问的页面不存在"), "application/pdf")
        elif path == "/h/truncated.pdf":
            data = (FIXTURE_PDF / "filled-2021.pdf").read_bytes()
            h._send(200, data[: len(data) // 3], "application/pdf")
        elif path == "/h/bomb.docx":
            ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            h._send(200, docx_bomb(), ctype)
        elif path == "/h/pages2000.pdf":
            h._send(200, long_pdf(), "application/pdf")
        else:
            h._send(404, _page("404", "页面不存在"))

    def _busy(self, path: str, seconds: float) -> bool:
        """Busy for ``seconds`` after the first request."""
        now = time.monotonic()
        return now - self._first_hit.setdefault(path, now) < seconds

    def _stream(self, h: _Handler, size: int, *, with_length: bool) -> None:
        """A report-titled page of ``size`` bytes, written 64 KiB at a time."""
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            h.send_header("Content-Length", str(size))
        h.end_headers()
        head = _page("2023年政府信息公开工作年度报告", "")[:-14]
        filler = ("<p>" + "一二三四五六七八九十" * 200 + "</p>").encode()
        sent = 0
        try:
            h.wfile.write(head)
            sent = len(head)
            while sent < size and not self.server.stopping.is_set():
                h.wfile.write(filler)
                sent += len(filler)
        except OSError:
            pass
        h._log(200, sent)

    def _stall(self, h: _Handler) -> None:
        """Headers and a little of the body, then nothing for minutes."""
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"<html><head><title>")
        h.wfile.flush()
        h._log(200, 19)
        self.server.stopping.wait(300)

    def _reset(self, h: _Handler) -> None:
        """Part of the body, then a TCP reset."""
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", "200000")
        h.end_headers()
        h.wfile.write(_page("2023年政府信息公开工作年度报告", "<p>半截</p>" * 200)[:5000])
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h._log(200, 5000)


@contextmanager
def serve_hostile(
    lifetime: float = 300.0, secret: Path | None = None, only: str | None = None
) -> Iterator[HostilePortal]:
    """The hostile portal (and its canary) for the duration of the block."""
    portal = HostilePortal(lifetime=lifetime, secret=secret, only=only).start()
    try:
        yield portal
    finally:
        portal.stop()


if __name__ == "__main__":  # pragma: no cover - manual use
    with serve_hostile(lifetime=3600) as served:
        print(served.url(), "canary", served.canary.url())
        served.server.stopping.wait()


@dataclass
class HostileCrawl:
    """What a crawl of the hostile portal did: its database, stats, time and peak memory."""

    db_path: Path
    stats: dict[str, Any]
    seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str


# Limits of the hostile crawl (besides crawler.settings.test: DOWNLOAD_MAXSIZE 8 MiB, …).
CRAWL_SETTINGS = {
    "DOWNLOAD_TIMEOUT": 3,
    "RETRY_TIMES": 2,
    "NIANBAO_PARSE_TIMEOUT": 20,
    "NIANBAO_PARSE_MEMORY_MB": 1024,
}

_MEASURE = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(f'\\nPEAK_RSS_KB={peak}\\n')\n"
    "sys.exit(rc)\n"
)


def crawl_hostile(
    portal: HostilePortal, workdir: Path, settings: dict[str, Any] | None = None
) -> HostileCrawl:
    """``nianbao crawl`` of the portal (crawler.settings.test, all pipelines) in a subprocess;
    peak RSS is the largest of the crawl and its parser workers."""
    import os
    import subprocess
    import sys

    workdir.mkdir(parents=True, exist_ok=True)
    db, stats = workdir / "nianbao.db", workdir / "stats.json"
    argv = [
        sys.executable, "-c", _MEASURE, sys.executable, "-m", "nianbao.commands.crawl",
        portal.url("/index.html"), "--settings", "crawler.settings.test", "--db", str(db),
        "--stats", str(stats), "--files", str(workdir / "files"),
        "--httpcache", str(workdir / "httpcache"),
    ]  # fmt: skip
    for name, value in {**CRAWL_SETTINGS, **(settings or {})}.items():
        argv += ["-s", f"{name}={value}"]
    env = dict(os.environ, NIANBAO_DATA=str(workdir / "data"))
    start = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    seconds = time.monotonic() - start
    peak = next(
        (int(line.split("=")[1]) for line in proc.stderr.splitlines() if "PEAK_RSS_KB=" in line),
        0,
    )
    return HostileCrawl(
        db_path=db,
        stats=json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {},
        seconds=seconds,
        peak_rss_mb=peak / 1024,
        returncode=proc.returncode,
        stderr=proc.stderr,
    )
