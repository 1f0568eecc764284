"""What the spider reads off a fetched page: title, text, 索引号, 发布机构, attachment links."""

from __future__ import annotations

import re

from scrapy.http import TextResponse

from parsers.classify import is_attachment_url
from parsers.encoding import decode

_INDEX_NO = re.compile(r"索\s*引\s*号\s*[:：]?\s*([0-9A-Za-z][0-9A-Za-z\-/_.（）()]*)")
_PUBLISHER = re.compile(r"发\s*布\s*机\s*构\s*[:：]?\s*([^\s:：|]{2,40})")


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


def page_title(response: TextResponse) -> str | None:
    """The article title: TRS ArticleTitle meta, the first <h1>, else <title>."""
    for query in ('//meta[@name="ArticleTitle"]/@content', "//h1//text()", "//title/text()"):
        text = " ".join(t.strip() for t in response.xpath(query).getall() if t.strip())
        if text:
            return text
    return None


def page_text(response: TextResponse) -> str:
    """Visible text of the body, text nodes separated by spaces."""
    nodes = response.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    return " ".join(t.strip() for t in nodes.getall() if t.strip())


def index_number(text: str) -> str | None:
    """索引号, e.g. ``11520527MB1234567A/2024-00015``."""
    m = _INDEX_NO.search(text)
    return m.group(1) if m else None


def publisher(text: str) -> str | None:
    """发布机构."""
    m = _PUBLISHER.search(text)
    return m.group(1) if m else None


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
