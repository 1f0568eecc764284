"""What the spider needs of a fetched page besides ``parsers.page.read_page``.

The page's title, text, 索引号 and 发布机构 come from ``parsers.page.read_page`` (one page
reader for crawler and parsers); here: the response re-decoded as ``parsers.encoding`` reads
it, and the page's attachment links.
"""

from __future__ import annotations

from scrapy.http import TextResponse

from parsers.classify import is_attachment_url
from parsers.encoding import decode


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
    """(absolute URL, link text) of .pdf .doc .docx .wps links on the page."""
    found: list[tuple[str, str]] = []
    for a in response.xpath("//a[@href]"):
        href = (a.attrib.get("href") or "").strip()
        text = " ".join(a.xpath(".//text()").getall()).strip()
        if href and (is_attachment_url(href) or is_attachment_url(text)):
            url = response.urljoin(href)
            if url not in (u for u, _ in found):
                found.append((url, text))
    return found
