"""What the spider needs of a fetched page besides ``parsers.page.read_page``.

The page's title, text, 索引号 and 发布机构 come from ``parsers.page.read_page`` (one page
reader for crawler and parsers); here: the response re-decoded as ``parsers.encoding`` reads
it, and the page's attachment links (read as discovery reads links).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from scrapy.http import TextResponse

from crawler.discovery.generic import anchors
from parsers.encoding import decode
from parsers.sniff import is_attachment_url


def gb_decoded(response: TextResponse) -> TextResponse:
    """The response re-decoded when its declared charset is missing or wrong.

    Scrapy trusts the declaration (and maps gb2312/gbk to gb18030); ``parsers.encoding``
    trusts it only when the bytes decode under it, and falls back to GB18030. The page's
    encoding is the one ``parsers.encoding`` finds, so crawler and parsers read it alike.
    """
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    _, encoding = decode(response.body, content_type or None)
    if encoding == response.encoding or (encoding, response.encoding) == ("utf-8", "ascii"):
        return response
    return response.replace(encoding=encoding)


def attachment_links(response: TextResponse) -> list[tuple[str, str]]:
    """(absolute URL, link text) of the page's .pdf .doc .docx .wps links, each URL once;
    also a file shown in the page (``<iframe>``/``<embed>``/``<object>``, a PDF viewer's
    ``?file=``)."""
    found: dict[str, str] = {}
    for url, text in anchors(response):
        if is_attachment_url(url) or is_attachment_url(text):
            found.setdefault(url, text)
    for src in response.xpath("//iframe/@src | //embed/@src | //object/@data").getall():
        query = dict(parse_qsl(urlsplit(src).query))
        for candidate in (query.get("file"), src):
            if candidate and is_attachment_url(candidate):
                found.setdefault(response.urljoin(candidate), "")
                break
    return list(found.items())
