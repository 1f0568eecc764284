"""What every discovery strategy shares: :class:`Lead` (a URL worth considering) and the
:class:`Strategy` protocol; the strategies import this module, the package imports them."""

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
