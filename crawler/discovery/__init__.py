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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from scrapy.http import TextResponse

LeadKind = Literal["link", "page", "feed", "embed"]
MAX_ANNOUNCED_PAGES = 200  # list pages a pager may announce at once (the site budget cuts too)


@dataclass(frozen=True)
class Lead:
    """A URL worth considering.

    ``link``: an ordinary link (text = its anchor text), scored on its own. ``page``: another
    page of the same list, followed while the list yields reports or when the list is a
    report column. ``feed``: a list served as data (a gkmlpt column, text = the column's
    name; an endpoint a script calls, no text: as promising as its page). ``embed``: a
    page shown inside this one (an iframe): as promising as this page. A ``page`` or
    ``feed`` lead with ``strategy`` set is answered with data that strategy's ``feed_leads``
    reads (Hanweb dataproxy XML, gkmlpt JSON, script endpoints); on a ``link`` it names the
    strategy that read the link out of a script. ``method``/``body``/``body_type``
    (``form`` or ``json``): a list requested by POST, as the page's script does.
    """

    url: str
    text: str = ""
    kind: LeadKind = "link"
    strategy: str | None = None
    method: str = "GET"
    body: str | None = None
    body_type: str | None = None
    # How the page's script builds a record's URL from a field: (prefix, field, suffix).
    url_templates: tuple[tuple[str, str, str], ...] = ()


class Strategy(Protocol):
    """What every discovery strategy provides."""

    name: str

    def detect(self, response: TextResponse) -> bool:
        """True when the page uses this CMS family's markup."""
        ...

    def leads(self, response: TextResponse) -> Iterable[Lead]:
        """Leads found in an HTML page."""
        ...

    def feed_leads(self, response: TextResponse) -> Iterable[Lead]:
        """Leads found in a feed response this strategy asked for."""
        ...


def strategies() -> dict[str, Strategy]:
    """All strategies by name (generic first)."""
    from crawler.discovery import anhui, generic, gkmlpt, hanweb, scripts, trs

    found: list[Strategy] = [
        generic.Generic(),
        trs.Trs(),
        hanweb.Hanweb(),
        gkmlpt.Gkmlpt(),
        anhui.Anhui(),
        scripts.Scripts(),
    ]
    return {s.name: s for s in found}
