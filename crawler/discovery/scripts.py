"""Lists filled by script: the endpoints a page's inline scripts call, read without a browser.

A column whose list is rendered in the browser names where the list comes from in its own
scripts: ``$.ajax({url: …, data: {…}})``, ``$.get/$.post/$.getJSON(url, data)``,
``fetch(url, {method, body})``, ``xhr.open("GET", url)`` + ``xhr.send(…)``,
``axios.get(url, {params})``, ``url:`` / ``listUrl =`` options of list widgets. Each endpoint
is requested with the parameters the script shows (string constants, ``var`` values and
hidden ``<input>``s substituted; a page number left as a variable is page 1). The answer,
whatever its shape (JSON, JSONP, XML, an HTML fragment), is read by
:mod:`crawler.discovery.records` for URL + title pairs, and its paging fields announce the
other pages; a record that carries only an id gets the URL the script builds from it
(``'/detail.html?id=' + item.id``). Also here: lists written into the script itself
(``var list = [{title, url}]``, ``document.write('<a …>')``), ``<iframe src>`` (a list
embedded from another page) and links written as ``onclick="window.open('…')"`` /
``location.href='…'``.

Hanweb jpage (``dataproxy.jsp``) and gkmlpt columns have their own strategies; this one
stands aside on their pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from scrapy.http import TextResponse

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead
from crawler.discovery.records import (
    data_links,
    html_links,
    paging,
    parse_data,
    record_of,
    templated_links,
)

_CALL = re.compile(
    r"(?:\$|jQuery)\.(?P<jq>ajax|get|post|getJSON)\s*\(|\baxios(?:\.(?P<ax>get|post))?\s*\(|"
    r"\bfetch\s*\(|\.open\s*\(\s*(?P<xhr>['\"](?:GET|POST)['\"])|\.load\s*\(\s*(?=['\"])",
    re.I,
)
_OPTION_URL = re.compile(r"\b(\w*url|\w*Url|\w*URL|proxy|api)\s*[:=]\s*(?=['\"`])")
_CONST = re.compile(
    r"(?:\b(?:var|let|const)\s+)?\b([A-Za-z_$][\w$]*)\s*[:=]\s*(['\"])((?:(?!\2).){0,300})\2"
    r"|(?:\b(?:var|let|const)\s+)\b([A-Za-z_$][\w$]*)\s*=\s*(\d+)\b"
)
_STRING = re.compile(r"""^(['"])(.*)\1$""", re.S)
_TEMPLATE = re.compile(r"^`(.*)`$", re.S)
_ELEMENT_VALUE = re.compile(
    r"""^(?:\$|jQuery)\(\s*['"]#([\w-]+)['"]\s*\)\.val\(\)$|"""
    r"""^document\.getElementById\(\s*['"]([\w-]+)['"]\s*\)\.value$"""
)
_PAGE_NAME = re.compile(r"^(?:page|pageno|pagenum|pageindex|currentpage|curpage|p|pn|cur|"
                        r"current|page_no|pagenumber)$", re.I)  # fmt: skip
_SIZE_NAME = re.compile(r"^(?:pagesize|page_size|size|perpage|per_page|rows|limit|num)$", re.I)
_OFFSET_NAME = re.compile(r"^(?:offset|start|startindex|startrow|skip|from|firstresult)$", re.I)
# function load(p, size) {…} … load(0, 10): a parameter's value where the page calls it
_FUNCTION = re.compile(r"\bfunction\s+([A-Za-z_$][\w$]*)\s*\(([^()]*)\)")
_LITERAL = re.compile(r"""^(?:-?\d{1,15}|(['"])[^'"]*\1)$""")
_OPEN_URL = re.compile(
    r"""(?:window\.open|location\.href\s*=|location\s*=|location\.assign|\w*(?:open|goto|go|view|"""
    r"""show|jump|link)\w*)\s*\(?\s*['"]([^'"]+)['"]""",
    re.I,
)
_DATE = re.compile(r"^[\[(（]?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?[\])）]?$")  # a list row's date
_ASSET = re.compile(r"\.(?:js|css|png|jpe?g|gif|svg|ico|woff2?|ttf|map)(?:[?#]|$)", re.I)
# Words of a path that name no list: counters, statistics, login, search, sharing, comments.
_NOT_A_LIST = frozenset(
    ("count", "counter", "visit", "visits", "hit", "hits", "click", "clicks", "pv", "uv",
     "tongji", "stat", "stats", "statistic", "statistics", "analytics", "cnzz", "baidu", "log",
     "login", "logout", "captcha", "verify", "verifycode", "weather", "share", "comment",
     "comments", "vote", "favorite", "favourite", "collect", "jiucuo", "wza", "aging", "font",
     "search", "user", "token", "session")
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")
_URLISH = re.compile(r"^(?:https?://|/|\./|\.\./)|\?|\.\w{2,5}$")
_PAGE_LIKE = re.compile(r"\.(?:s?html?|jsp|aspx?|php)(?:[?#]|$)|^/|^https?://", re.I)
_DEFAULT_SIZE = "20"
_OBJECT = re.compile(r"\{[^{}]{0,2000}\}")  # a flat object literal
_PAIR = re.compile(r"""['"]?([A-Za-z_$][\w$]*)['"]?\s*:\s*(['"])((?:(?!\2).){0,500})\2""")
# A record's URL built in script: '/detail.html?id=' + item.id + '&x=1' (or item["id"]).
_TEMPLATE_URL = re.compile(
    r"""['"]([^'"\s]*[/=?])['"]\s*\+\s*[A-Za-z_$][\w$]*(?:\.(\w+)|\[['"](\w+)['"]\])"""
    r"""(?:\s*\+\s*['"]([^'"\s]*)['"])?"""
)


Param = str | int  # a parameter's value: a number stays a number in a JSON body


def _typed(value: str, expr: str) -> Param:
    """``value`` as the script wrote it: a number unless it was quoted."""
    quoted = expr.strip()[:1] in ("'", '"', "`")
    return int(value) if not quoted and re.fullmatch(r"-?\d{1,15}", value) else value


@dataclass
class Endpoint:
    """A list endpoint as a script calls it."""

    url: str
    method: str = "GET"
    params: dict[str, Param] = field(default_factory=dict)
    as_json: bool = False


def _closing(text: str, start: int) -> int:
    """Index of the bracket closing the one before ``start`` (quotes skipped), or -1."""
    depth, quote, i = 1, "", start
    pairs = {"(": ")", "{": "}", "[": "]"}
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in pairs:
            depth += 1
        elif c in pairs.values():
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _split(text: str, sep: str) -> list[str]:
    """``text`` split at top-level ``sep`` (not inside brackets or quotes)."""
    parts, depth, quote, current = [], 0, "", []
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            current.append(c)
            if c == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
            current.append(c)
        elif c in "([{":
            depth += 1
            current.append(c)
        elif c in ")]}":
            depth -= 1
            current.append(c)
        elif c == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
        i += 1
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def _arguments(scripts: str) -> dict[str, str]:
    """Parameters of the scripts' functions, valued as the first call with literals passes
    them (``function load(p){…}`` … ``load(0)``: ``p`` is 0 on the first list request)."""
    out: dict[str, str] = {}
    for m in _FUNCTION.finditer(scripts):
        params = [p.strip() for p in m.group(2).split(",") if p.strip()]
        if not params:
            continue
        for call in re.finditer(rf"(?<![\w$.]){re.escape(m.group(1))}\s*\(", scripts):
            end = _closing(scripts, call.end())
            args = _split(scripts[call.end() : end], ",") if end > 0 else []
            if scripts[: call.start()].rstrip().endswith("function") or not args:
                continue
            if all(_LITERAL.match(a) for a in args):
                for name, value in zip(params, args, strict=False):
                    out.setdefault(name, value.strip("'\""))
                break
    return out


class _Scope:
    """Values a script's expressions may name: string constants and hidden inputs."""

    def __init__(self, scripts: str, inputs: dict[str, str]) -> None:
        self.values: dict[str, str] = {}
        for m in _CONST.finditer(scripts):
            name, value = (m.group(1), m.group(3)) if m.group(1) else (m.group(4), m.group(5))
            self.values.setdefault(name, value)
        self.inputs = inputs
        self.arguments = _arguments(scripts)

    def evaluate(self, expr: str) -> str | None:
        """A string expression's value (literals, constants, ``+``, template literals)."""
        expr = expr.strip()
        if m := _TEMPLATE.match(expr):
            out = m.group(1)
            for inner in re.findall(r"\$\{([^}]*)\}", out):
                value = self.evaluate(inner)
                if value is None:
                    return None
                out = out.replace("${" + inner + "}", value, 1)
            return out
        terms = _split(expr, "+")
        if len(terms) > 1:
            values = [self.evaluate(t) for t in terms]
            return None if any(v is None for v in values) else "".join(values)  # type: ignore[arg-type]
        if m := _STRING.match(expr):
            return m.group(2)
        if re.fullmatch(r"-?\d+(?:\.\d+)?", expr):
            return expr
        if m := _ELEMENT_VALUE.match(expr):
            return self.inputs.get(m.group(1) or m.group(2))
        name = expr.rsplit(".", 1)[-1]
        if re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            if name in self.values:
                return self.values[name]
            if name in self.inputs:
                return self.inputs[name]
            if name in self.arguments:
                return self.arguments[name]
            if _PAGE_NAME.match(name):
                return "1"
            if _SIZE_NAME.match(name):
                return _DEFAULT_SIZE
        return None

    def obj(self, literal: str) -> dict[str, Param] | None:
        """A flat object literal's resolvable fields (``{a: 1, b: x}``), or a query string."""
        literal = literal.strip()
        if literal.startswith("JSON.stringify(") and literal.endswith(")"):
            return self.obj(literal[len("JSON.stringify(") : -1])
        if not literal.startswith("{"):
            value = self.evaluate(literal)
            return dict(parse_qsl(value, keep_blank_values=True)) if value else None
        out: dict[str, str] = {}
        for part in _split(literal[1:-1], ","):
            key, sep, value = part.partition(":")
            if not sep:
                continue
            key = key.strip().strip("'\"")
            resolved = self.evaluate(value)
            if resolved is None and _PAGE_NAME.match(key):
                resolved = "1"
            if resolved is not None:
                out[key] = _typed(resolved, value)
        return out

    def options(self, literal: str) -> dict[str, str]:
        """Raw fields of an options object: name → expression text."""
        literal = literal.strip()
        if not literal.startswith("{"):
            return {}
        out = {}
        for part in _split(literal[1:-1], ","):
            key, sep, value = part.partition(":")
            if sep:
                out[key.strip().strip("'\"")] = value.strip()
        return out


def endpoints(script: str, scope: _Scope) -> Iterator[Endpoint]:
    """The list endpoints one inline script calls."""
    called: set[str] = set()
    for m in _CALL.finditer(script):
        end = _closing(script, m.end())
        if end < 0:
            continue
        args = _split(script[m.end() : end], ",")
        if not args:
            continue
        found = _call(m, args, script[end:], scope)
        if found is not None:
            called.add(found.url)
            yield found
    for m in _OPTION_URL.finditer(script):  # url: '…' options of list widgets, xxxUrl = '…'
        value = scope.evaluate(_first_expression(script[m.end() :]))
        if value is not None and value not in called:
            called.add(value)
            yield _with_options(Endpoint(value), _enclosing_object(script, m.start()), scope)


def _enclosing_object(script: str, at: int) -> str:
    """The object literal around position ``at`` (``""`` when there is none)."""
    pos = script.rfind("{", 0, at)
    while pos >= 0:
        end = _closing(script, pos + 1)
        if end > at:
            return script[pos : end + 1]
        pos = script.rfind("{", 0, pos)
    return ""


def _with_options(endpoint: Endpoint, literal: str, scope: _Scope) -> Endpoint:
    """The endpoint with the method and parameters its options object names beside it."""
    opts = scope.options(literal) if literal else {}
    data = opts.get("data") or opts.get("params") or opts.get("where") or ""
    method = scope.evaluate(opts.get("type") or opts.get("method") or "'GET'") or "GET"
    if data:
        endpoint.params = scope.obj(data) or {}
        endpoint.as_json = "stringify" in data
    endpoint.method = method.upper() if method.upper() in ("GET", "POST") else "GET"
    return endpoint


def _first_expression(text: str) -> str:
    """The expression at the start of ``text``: up to a top-level , ; line end or bracket."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c in ",;\n" and depth == 0:
            break
        i += 1
    return text[:i]


def _call(m: re.Match[str], args: list[str], after: str, scope: _Scope) -> Endpoint | None:
    """The endpoint of one call, from its arguments."""
    text = m.group(0)
    if m.group("xhr"):  # xhr.open("GET", url); xhr.send(body)
        url = scope.evaluate(args[1]) if len(args) > 1 else None
        method = m.group("xhr").strip("'\"").upper()
        send = re.search(r"\.send\s*\(", after)
        params: dict[str, Param] = {}
        if send and method == "POST":
            close = _closing(after, send.end())
            params = scope.obj(after[send.end() : close]) or {} if close > 0 else {}
        return Endpoint(url, method, params) if url else None
    if args[0].lstrip().startswith("{"):  # $.ajax({url, type, data}), axios({…})
        opts = scope.options(args[0])
        url = scope.evaluate(opts.get("url", "''"))
        if not url:
            return None
        method = scope.evaluate(opts.get("type") or opts.get("method") or "'GET'") or "GET"
        data = opts.get("data") or opts.get("params") or ""
        as_json = "stringify" in data or "json" in (opts.get("contentType") or "").lower()
        return Endpoint(url, method.upper(), scope.obj(data) or {} if data else {}, as_json)
    url = scope.evaluate(args[0])
    if not url:
        return None
    method = "POST" if (m.group("jq") or m.group("ax") or "").lower() == "post" else "GET"
    params: dict[str, Param] = {}
    as_json = False
    if len(args) > 1:
        second = args[1]
        if text.lower().startswith("fetch"):  # fetch(url, {method, body})
            opts = scope.options(second)
            method = (scope.evaluate(opts.get("method", "'GET'")) or "GET").upper()
            body = opts.get("body", "")
            as_json = "stringify" in body
            params = scope.obj(body) or {} if body else {}
        elif m.group("ax"):  # axios.get(url, {params}) / axios.post(url, data)
            opts = scope.options(second)
            params = scope.obj(opts["params"]) or {} if "params" in opts else {}
            if method == "POST":
                params, as_json = scope.obj(second) or {}, True
        elif second.lstrip().startswith(("{", "'", '"', "JSON")):
            params = scope.obj(second) or {}
            as_json = second.lstrip().startswith("JSON")
    return Endpoint(url, method, params, as_json)


def _inputs(response: TextResponse) -> dict[str, str]:
    """Hidden inputs' values by id and by name (scripts read parameters from them)."""
    out: dict[str, str] = {}
    for el in response.xpath("//input[@value]"):
        for key in (el.attrib.get("id"), el.attrib.get("name")):
            if key:
                out.setdefault(key, el.attrib.get("value", ""))
    return out


def _lead(response: TextResponse, endpoint: Endpoint) -> Lead | None:
    """The request of an endpoint, or None for what is no list (counters, assets, search)."""
    if not _URLISH.search(endpoint.url) or " " in endpoint.url.strip():
        return None
    url = response.urljoin(endpoint.url)
    path = urlsplit(url).path
    if not url.startswith(("http://", "https://")) or not _is_list_path(path):
        return None
    if path in ("", "/") or url.split("#")[0] == response.url:
        return None  # a base URL, or the page itself
    if endpoint.method == "GET":
        if endpoint.params:
            parts = urlsplit(url)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            query |= {k: str(v) for k, v in endpoint.params.items()}
            url = parts._replace(query=urlencode(query)).geturl()
        return Lead(url, "", "feed", Scripts.name)
    if endpoint.as_json:
        return Lead(url, "", "feed", Scripts.name, "POST", json.dumps(endpoint.params), "json")
    return Lead(url, "", "feed", Scripts.name, "POST", urlencode(endpoint.params), "form")


def _inline_records(response: TextResponse, code: str) -> Iterator[Lead]:
    """Lists written into the script itself: ``var list = [{title: …, url: …}]`` literals and
    ``document.write('<li><a href=…>')`` markup."""
    for block in _OBJECT.findall(code):
        fields = {key: value for key, _, value in _PAIR.findall(block)}
        record = record_of(fields)
        if record and record[1]:
            yield Lead(response.urljoin(record[0]), record[1], strategy=Scripts.name)
    for href, title in html_links(code):
        if "'" not in href and '"' not in href and "+" not in href:
            yield Lead(response.urljoin(href), title, strategy=Scripts.name)


def _is_list_path(path: str) -> bool:
    """Not an asset, and no word of the path names a counter, a login, a search …"""
    return not _ASSET.search(path) and not _NOT_A_LIST.intersection(_WORD.findall(path.lower()))


def _has_own_strategy(text: str) -> bool:
    """A Hanweb jpage or gkmlpt page: its own strategy reads its lists."""
    return "dataproxy.jsp" in text or "<datastore" in text or "window._CONFIG" in text


class Scripts:
    """Endpoints of inline scripts, iframes and script-opened links."""

    name = "scripts"

    def detect(self, response: TextResponse) -> bool:
        text = response.text
        return ("<script" in text or "<iframe" in text or "onclick" in text) and not (
            _has_own_strategy(text)
        )

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        scripts = [
            s
            for s in response.xpath("//script[not(@src)]")
            if (s.attrib.get("type") or "text/javascript").lower().endswith("javascript")
        ]
        code = "\n".join(s.xpath("string()").get() or "" for s in scripts)
        scope = _Scope(code, _inputs(response))
        templates = tuple(
            dict.fromkeys(
                (prefix, dotted or quoted, suffix)
                for prefix, dotted, quoted, suffix in _TEMPLATE_URL.findall(code)
                if _PAGE_LIKE.search(prefix)
            )
        )
        seen: set[tuple[str, str | None]] = set()
        for script in scripts:
            for endpoint in endpoints(script.xpath("string()").get() or "", scope):
                lead = _lead(response, endpoint)
                if lead is not None and (lead.url, lead.body) not in seen:
                    seen.add((lead.url, lead.body))
                    yield replace(lead, url_templates=templates)
        yield from _inline_records(response, code)
        for frame in response.xpath("//iframe[@src]"):
            src = frame.attrib["src"].strip()
            if src and not src.lower().startswith(("javascript:", "about:", "data:")):
                url = response.urljoin(src)
                if _is_list_path(urlsplit(url).path):
                    yield Lead(url, frame.attrib.get("title") or frame.attrib.get("name") or "",
                               "embed")  # fmt: skip
        for el in response.xpath("//*[@onclick]"):
            for target in _OPEN_URL.findall(el.attrib["onclick"]):
                if _PAGE_LIKE.search(target):
                    text = " ".join(
                        t.strip() for t in el.xpath(".//text()").getall()
                        if t.strip() and not _DATE.match(t.strip())
                    )  # fmt: skip
                    yield Lead(response.urljoin(target), text or el.attrib.get("title", ""))

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        data = parse_data(response.text)
        for url, title in data_links(data):
            yield Lead(response.urljoin(url), title)
        meta = response.meta if response.request is not None else {}
        page = meta.get("referer") or response.url
        for url, title in templated_links(data, meta.get("url_templates", ())):
            yield Lead(urljoin(page, url), title)
        yield from next_pages(response, data)


def _request_params(response: TextResponse) -> tuple[dict[str, Param], str | None]:
    """The parameters the list was requested with, and where they were (query/form/json)."""
    request = response.request
    if request is None or request.method == "GET":
        return dict(parse_qsl(urlsplit(response.url).query, keep_blank_values=True)), None
    body = request.body.decode("utf-8", "replace")
    ctype = (request.headers.get(b"Content-Type") or b"").decode("latin-1")
    if "json" in ctype:
        try:
            data = json.loads(body)
        except ValueError:
            return {}, "json"
        if not isinstance(data, dict):
            return {}, "json"
        return {str(k): v for k, v in data.items() if isinstance(v, str | int)}, "json"
    return dict(parse_qsl(body, keep_blank_values=True)), "form"


def next_pages(response: TextResponse, data: object) -> Iterator[Lead]:
    """The other pages of a list answer, announced from its first page."""
    pages = paging(data)
    params, where = _request_params(response)
    total = pages.total_pages
    if total is None and pages.records is not None:  # total records, the page size asked for
        size = next((v for k, v in params.items() if _SIZE_NAME.match(k)), None)
        if size is not None and str(size).isdigit() and int(size):
            total = -(-pages.records // int(size))
    if not total or total < 2:
        return
    key = next((k for k in params if _PAGE_NAME.match(k) and str(params[k]).isdigit()), None)
    if key is None:
        offset = next((k for k in params if _OFFSET_NAME.match(k)), None)
        if offset is not None:
            yield from _next_offsets(response, params, where, offset, pages.records)
            return
    if key is None and pages.current_key:
        key = next((k for k in params if k.lower() == pages.current_key), pages.current_key)
    if key is None:
        return
    first = int(params.get(key, pages.current if pages.current is not None else 1))
    if pages.current is not None and pages.current != first:
        first = pages.current
    if first > 1:  # announced by page 1 already
        return
    last = first + min(total, MAX_ANNOUNCED_PAGES) - 1
    as_number = isinstance(params.get(key), int)
    for n in range(first + 1, last + 1):
        yield _page_lead(response, params | {key: n if as_number else str(n)}, where, n)


def _next_offsets(
    response: TextResponse,
    params: dict[str, Param],
    where: str | None,
    key: str,
    records: int | None,
) -> Iterator[Lead]:
    """The other pages of a list paged by record offset (``offset=0&limit=10``)."""
    size = next((v for k, v in params.items() if _SIZE_NAME.match(k)), None)
    first = params.get(key)
    if records is None or not str(size).isdigit() or not int(size) or not str(first).isdigit():
        return
    if int(first) >= int(size):  # announced by the first page already
        return
    as_number = isinstance(first, int)
    last = min(records, int(first) + int(size) * MAX_ANNOUNCED_PAGES)
    for n, start in enumerate(range(int(first) + int(size), last, int(size)), start=2):
        changed = params | {key: start if as_number else str(start)}
        yield _page_lead(response, changed, where, n)


def _page_lead(response: TextResponse, params: dict[str, Param], where: str | None, n: int) -> Lead:
    """Page ``n`` of a list answer: the same request with ``params``."""
    if where is None:
        parts = urlsplit(response.url)
        return Lead(parts._replace(query=urlencode(params)).geturl(), str(n), "page", Scripts.name)
    body = json.dumps(params) if where == "json" else urlencode(params)
    return Lead(response.url, str(n), "page", Scripts.name, "POST", body, where)
