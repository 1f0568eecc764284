"""Discovery strategies: where a page's links, list pages and list feeds are, per CMS family.

A strategy reads one response and returns :class:`Lead` objects; the spider scores them
(``crawler.scoring.link_score``) and decides what to fetch. ``generic`` runs on every page;
the CMS strategies run where they recognise their markup:

- ``trs``: TRS WCM pagination written by ``createPageHTML(total, current, "index", "html")``.
- ``hanweb``: Hanweb columns fed by ``/module/jpage/dataproxy.jsp`` (XML, links in CDATA).
- ``gkmlpt``: Guangdong 政府信息公开目录 lists from ``/gkmlpt/api/all/<column>?page=N&sid=``.
- ``anhui``: Anhui 集约化 platforms, ``page_N.html`` lists and annual-report URL shapes.
- ``scripts``: any other list filled by script: the endpoints its inline scripts call
  (XHR, fetch, ``$.ajax``, ``url:`` options), iframes, ``onclick`` links; answers read
  generically (:mod:`crawler.discovery.records`).
"""

from __future__ import annotations

from crawler.discovery import anhui, generic, gkmlpt, hanweb, scripts, trs
from crawler.discovery.base import MAX_ANNOUNCED_PAGES, Lead, LeadKind, Strategy

__all__ = ["MAX_ANNOUNCED_PAGES", "Lead", "LeadKind", "Strategy", "strategies"]


def strategies() -> dict[str, Strategy]:
    """All strategies by name (generic first)."""
    found: list[Strategy] = [
        generic.Generic(),
        trs.Trs(),
        hanweb.Hanweb(),
        gkmlpt.Gkmlpt(),
        anhui.Anhui(),
        scripts.Scripts(),
    ]
    return {s.name: s for s in found}
