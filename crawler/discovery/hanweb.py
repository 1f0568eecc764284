"""Hanweb (大汉) columns: records come from ``/module/jpage/dataproxy.jsp`` as XML.

The column page embeds the first records in ``<script type="text/xml"><datastore>`` (read
on the column page itself, with or without a jpage script) and
names the proxy, ``columnid``, ``unitid``, ``perPage`` and ``totalRecord`` in its jpage
script; the rest is fetched in groups (``startrecord``/``endrecord``), each record an HTML
fragment inside CDATA.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from scrapy.http import TextResponse
from scrapy.selector import Selector

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead

_CDATA = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")


def _param(script: str, name: str, default: str | None = None) -> str | None:
    m = re.search(rf"\b{name}\s*[:=]\s*['\"]?([\w/.\-]+)", script, re.I)
    return m.group(1) if m else default


def _count(script: str, name: str, default: int) -> int:
    """A number of the jpage script (``default`` when it is absent or not a literal number)."""
    value = _param(script, name)
    return int(value) if value and value.isdigit() else default


def record_links(text: str, response: TextResponse) -> Iterable[Lead]:
    """Links inside the CDATA records of a datastore."""
    for fragment in _CDATA.findall(text):
        for a in Selector(text=fragment).xpath("//a[@href]"):
            title = a.attrib.get("title") or " ".join(a.xpath(".//text()").getall())
            yield Lead(response.urljoin(a.attrib["href"]), title.strip())


class Hanweb:
    """Records of a jpage column, embedded and via dataproxy.jsp."""

    name = "hanweb"

    def detect(self, response: TextResponse) -> bool:
        return "dataproxy.jsp" in response.text or "<datastore" in response.text

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        text = response.text
        embedded = list(record_links(text, response))
        yield from embedded
        proxy = _PROXY.search(text)
        if not proxy:
            return
        columnid = _param(text, "columnid")
        total = _count(text, "totalRecord", 0)
        per = _count(text, "perPage", 15) or 15
        group = _count(text, "groupSize", 3) or 3
        if not columnid:
            return
        params = {
            "col": "1",
            "appid": "1",
            "webid": _param(text, "webid", "1"),
            "path": "/",
            "columnid": columnid,
            "sourceContentType": "1",
            "unitid": _param(text, "unitid", ""),
            "permissiontype": "0",
        }
        start = len(_CDATA.findall(text)) + 1
        # No records embedded: the proxy's answers are the column's list itself, not more of it.
        kind = "page" if start > 1 else "feed"
        total = min(total, start - 1 + per * group * MAX_ANNOUNCED_PAGES)
        while start <= total:
            end = start + per * group - 1
            query = urlencode({"startrecord": start, "endrecord": end, "perpage": per, **params})
            url = response.urljoin(f"{proxy.group(1)}?{query}")
            yield Lead(url, f"{start}-{end}" if kind == "page" else "", kind, self.name)
            start = end + 1

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return record_links(response.text, response)
