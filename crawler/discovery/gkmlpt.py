"""Guangdong 政府信息公开目录 (gkmlpt): lists are JSON from ``<root>/api/all/<column>``.

``/gkmlpt/index`` renders in the browser: the site id is in ``window._CONFIG`` (``SID``), the
columns in a script array of ``{"id": …, "name": …}`` objects (JSON, or JavaScript literals
``{id: 1, name: '…'}``). The API answers
``{"articles": [{"title", "url", …}], "total", "page", "page_size"}``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode, urlsplit

from scrapy.http import TextResponse

from crawler.discovery.base import Lead

logger = logging.getLogger(__name__)

_SID = re.compile(r"\bSID\s*[:=]\s*['\"]?(\d+)", re.I)
_ROOT = re.compile(r"\bROOT\s*[:=]\s*['\"]([^'\"]+)['\"]")
_OBJECT = re.compile(r"\{[^{}]*\}")  # a JSON or JavaScript object literal of a script
_COLUMN_ID = re.compile(r"""(?:^|[{,\s])["']?id["']?\s*:\s*["']?(\d+)""")
_COLUMN_NAME = re.compile(r"""(?:^|[{,\s])["']?name["']?\s*:\s*(["'])(.+?)\1""")


def columns(text: str) -> Iterable[tuple[str, str]]:
    """(id, name) of the column objects of a script, JSON or JavaScript, keys in any order."""
    for obj in _OBJECT.findall(text):
        column, name = _COLUMN_ID.search(obj), _COLUMN_NAME.search(obj)
        if column and name:
            yield column.group(1), name.group(2)


class Gkmlpt:
    """Column lists of a gkmlpt site."""

    name = "gkmlpt"

    def detect(self, response: TextResponse) -> bool:
        return "window._CONFIG" in response.text and "/gkmlpt" in response.text

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        text = response.text
        sid = _SID.search(text)
        if not sid:
            return
        root_m = _ROOT.search(text)
        path = urlsplit(response.url).path
        root = root_m.group(1) if root_m else path[: path.find("/gkmlpt") + 7]
        for column, name in columns(text):
            query = urlencode({"page": 1, "sid": sid.group(1)})
            url = response.urljoin(f"{root}/api/all/{column}?{query}")
            yield Lead(url, name, "feed", self.name)

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        try:
            data = json.loads(response.text)
        except ValueError as exc:
            logger.warning("gkmlpt list %s is not JSON (%s): its links are lost", response.url, exc)
            return
        if not isinstance(data, dict):
            logger.warning("gkmlpt list %s is not a JSON object: its links are lost", response.url)
            return
        for article in data.get("articles") or []:
            if article.get("url"):
                yield Lead(response.urljoin(article["url"]), str(article.get("title") or ""))
        page, size, total = data.get("page"), data.get("page_size"), data.get("total")
        if not page:
            page = int(parse_qs(urlsplit(response.url).query).get("page", ["1"])[0])
        if size and total and page * size < total:
            parts = urlsplit(response.url)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            query["page"] = str(page + 1)
            next_url = parts._replace(query=urlencode(query)).geturl()
            yield Lead(next_url, "下一页", "page", self.name)
