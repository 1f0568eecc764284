"""Anhui 集约化 platforms: ``…/showList/<…>/page_N.html`` lists announced as 共N页.

Annual reports sit at ``/OpennessAnnualReport/year/show/<orgId>/<year>.html``,
``/XxgkAnnualReport/show/<id>.html`` or ``/Xxgknb/show/<id>.html``; their shapes score as
report columns in ``crawler.scoring.link_score``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead

_PAGE_FILE = re.compile(r"/page_(\d+)\.html$")
_TOTAL = re.compile(r"共\s*(\d+)\s*页")


class Anhui:
    """page_N.html pagination of 集约化 lists."""

    name = "anhui"

    def detect(self, response: TextResponse) -> bool:
        return bool(_PAGE_FILE.search(response.url)) and "共" in response.text

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        m, total = _PAGE_FILE.search(response.url), _TOTAL.search(response.text)
        if not (m and total):
            return
        current = int(m.group(1))
        for n in range(1, min(int(total.group(1)), MAX_ANNOUNCED_PAGES) + 1):
            if n != current:
                yield Lead(_PAGE_FILE.sub(f"/page_{n}.html", response.url), str(n), "page")

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        return ()
