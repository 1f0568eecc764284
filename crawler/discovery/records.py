"""Links in a list answered as data: JSON (or JSONP), XML, or an HTML fragment.

Whatever the CMS, a list endpoint answers records that each carry a URL and a title
somewhere. :func:`data_links` walks the answer generically (every object, every array, every
XML element) for ``(url, title)`` pairs, and reads any HTML fragment it holds (Hanweb CDATA
records, ``"html": "<li><a …>"``) for its anchors. :func:`paging` reads the paging fields
(total pages, or total records and page size; the current page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from scrapy.selector import Selector

_URL_KEY = re.compile(
    r"^(?:url|href|link|path|uri|address|[a-z]*(?:url|href|link|path))$|url$|link$|href$", re.I
)
_TITLE_KEY = re.compile(
    r"^(?:title|name|subject|bt|text|label|caption|[a-z]*title|[a-z]*name|wbt|fbt|headline)$", re.I
)
_LOOKS_LIKE_URL = re.compile(
    r"^(?:https?://|/|\./|\.\./)|\.(?:s?html?|jsp|aspx?|php|pdf|docx?|wps)(?:[?#]|$)", re.I
)
_NOT_A_PAGE = re.compile(r"img|pic|thumb|icon|image|cover|logo|avatar|photo", re.I)
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp|svg)(?:[?#]|$)", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
_TOTAL_PAGES = ("totalpage", "totalpages", "pagecount", "pages", "total_page", "page_count",
                "pagetotal", "totalpagenum", "totalpagecount", "countpage", "maxpage")  # fmt: skip
_TOTAL_RECORDS = ("total", "totalcount", "totalrecord", "totalrecords", "recordcount",
                  "totalelements", "totalnum", "total_count", "totalsize", "count",
                  "recordtotal", "records", "totalrow", "totalrows", "rowcount")  # fmt: skip
_PAGE_SIZE = ("pagesize", "page_size", "size", "perpage", "per_page", "rows", "limit",
              "pagenum_size", "perpagenum", "pagecount_size", "perpagecount")  # fmt: skip
_CURRENT = ("page", "pageno", "pagenum", "pageindex", "currentpage", "current", "page_no",
            "curpage", "p", "pagenumber", "pn", "page_index", "cur")  # fmt: skip
_MAX_DEPTH = 12
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Paging:
    """What a list answer says of its pages (None where it does not say)."""

    total_pages: int | None = None
    current: int | None = None
    current_key: str | None = None
    records: int | None = None  # total records, when the page size is not in the answer


def parse_data(text: str) -> Any:
    """The answer as Python data: JSON, JSONP's JSON, XML (an lxml element), else the text."""
    stripped = text.strip().lstrip("\ufeff")
    for candidate in (stripped, (m.group(1) if (m := _JSONP.match(stripped)) else None)):
        if candidate and candidate[:1] in "{[":
            try:
                return json.loads(candidate)
            except ValueError:
                continue
    if stripped.startswith("<") and not re.match(r"<(?:!doctype|html)\b", stripped, re.I):
        try:
            markup = _XML_DECLARATION.sub("", stripped, count=1)  # the text is decoded already
            return etree.fromstring(
                markup.encode("utf-8"), etree.XMLParser(recover=True, strip_cdata=False)
            )
        except (etree.XMLSyntaxError, ValueError):
            return stripped
    return stripped


def data_links(data: Any) -> Iterator[tuple[str, str]]:
    """``(url, title)`` of every record in ``data`` (relative URLs as written)."""
    if isinstance(data, etree._Element):
        yield from _xml_links(data)
    elif isinstance(data, str):
        yield from html_links(data)
    else:
        yield from _walk(data, 0)


def html_links(fragment: str) -> Iterator[tuple[str, str]]:
    """Anchors of an HTML fragment (text or title attribute)."""
    if "<a" not in fragment and "<A" not in fragment:
        return
    for a in Selector(text=fragment).xpath("//a[@href]"):
        text = " ".join(t.strip() for t in a.xpath(".//text()").getall() if t.strip())
        href = (a.attrib.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "#", "mailto:")):
            yield href, (a.attrib.get("title") or text).strip()


def templated_links(
    data: Any, templates: Iterable[tuple[str, str, str]]
) -> Iterator[tuple[str, str]]:
    """``(url, title)`` of records that carry no URL but the field a script builds it from:
    ``(prefix, field, suffix)`` as in ``'/detail.html?id=' + item.id``."""
    templates = list(templates)
    if not templates or isinstance(data, etree._Element | str):
        return
    for record in _dicts(data, 0):
        if record_of(record) is not None:
            continue
        chinese = [v for v in record.values() if isinstance(v, str) and _CJK.search(v)]
        title = next(
            (v for k, v in record.items() if _TITLE_KEY.match(str(k)) and v in chinese),
            max(chinese, key=len) if chinese else None,
        )
        for prefix, name, suffix in templates:
            value = record.get(name)
            if title and isinstance(value, str | int) and not isinstance(value, bool):
                yield f"{prefix}{value}{suffix}", title
                break


def _dicts(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            if isinstance(value, dict | list):
                yield from _dicts(value, depth + 1)


def _walk(node: Any, depth: int) -> Iterator[tuple[str, str]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(node, dict):
        record = record_of(node)
        if record:
            yield record
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)
            elif isinstance(value, str) and "<a" in value.lower():
                yield from html_links(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, depth + 1)


def record_of(fields: dict[str, Any]) -> tuple[str, str] | None:
    """``(url, title)`` of one record: a URL-named field and a title-named (or Chinese) one."""
    strings = {str(k): v.strip() for k, v in fields.items() if isinstance(v, str) and v.strip()}
    url = next(
        (
            v
            for k, v in strings.items()
            if _URL_KEY.search(k)
            and not _NOT_A_PAGE.search(k)
            and _LOOKS_LIKE_URL.search(v)
            and not _IMAGE.search(v)
        ),
        None,
    )
    if url is None:
        return None
    title = next((v for k, v in strings.items() if _TITLE_KEY.match(k) and _CJK.search(v)), None)
    if title is None:
        chinese = [v for v in strings.values() if _CJK.search(v) and "<" not in v]
        title = max(chinese, key=len) if chinese else ""
    return url, title


def _xml_links(root: etree._Element) -> Iterator[tuple[str, str]]:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.text and "<a" in el.text.lower():  # an HTML record in CDATA
            yield from html_links(el.text)
        if etree.QName(el).localname.lower() == "a" and el.get("href"):  # an HTML fragment
            text = " ".join(t.strip() for t in el.itertext() if t.strip())
            yield el.get("href", "").strip(), (el.get("title") or text).strip()
            continue
        children = [c for c in el if isinstance(c.tag, str)]
        if children:
            fields = {etree.QName(c).localname: (c.text or "") for c in children if len(c) == 0}
            fields.update({k: v for k, v in el.attrib.items() if isinstance(v, str)})
            record = record_of(fields)
            if record:
                yield record


def _numbers(data: Any) -> dict[str, int]:
    """Integer fields of ``data`` (top level first, then nested), by lower-cased key."""
    found: dict[str, int] = {}
    queue: list[tuple[Any, int]] = [(data, 0)]
    while queue:
        node, depth = queue.pop(0)
        if isinstance(node, etree._Element):
            for el in node.iter():
                if isinstance(el.tag, str) and len(el) == 0 and (el.text or "").strip().isdigit():
                    found.setdefault(etree.QName(el).localname.lower(), int(el.text.strip()))
            continue
        if isinstance(node, dict) and depth <= 3:
            for key, value in node.items():
                if isinstance(value, bool):
                    continue
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    found.setdefault(str(key).lower(), int(value))
                elif isinstance(value, dict):
                    queue.append((value, depth + 1))
    return found


def paging(data: Any) -> Paging:
    """Total pages and current page of a list answer, from whatever paging fields it has."""
    numbers = _numbers(data)
    total_pages = next((numbers[k] for k in _TOTAL_PAGES if k in numbers), None)
    records = next((numbers[k] for k in _TOTAL_RECORDS if k in numbers), None)
    if total_pages is None:
        size = next((numbers[k] for k in _PAGE_SIZE if numbers.get(k)), None)
        if records is not None and size:
            total_pages = -(-records // size)
    current_key = next((k for k in _CURRENT if k in numbers), None)
    current = numbers[current_key] if current_key else None
    return Paging(total_pages, current, current_key, records)
