"""A portal page to its report body and metadata (title, agency, year, dates, 索引号, 发布机构).

The body is found in the containers the common CMSs use (TRS ``.TRS_Editor``, Hanweb
``#zoom``, Anhui ``.j-fontContent`` …), else as the smallest block holding most of the
page's non-link text and all of its tables. Chrome inside it (share bars, 上一篇/下一篇,
print/close links, related links, breadcrumbs) is removed. Metadata comes from the
``<meta>`` tags of 集约化 platforms, the article heading, the 索引号/发布机构/发布日期 info
block, ``<title>`` and, last, the signature at the end of the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html

from parsers import text as textmeta

# Containers of the article body, most specific first (XPath 1.0).
_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
BODY_CONTAINERS: tuple[str, ...] = tuple(
    f"//*[{_CLASS.format(name)}]" if kind == "class" else f"//*[@id='{name}']"
    for kind, name in (
        ("class", "TRS_Editor"),
        ("class", "TRS_UEDITOR"),
        ("class", "j-fontContent"),
        ("id", "J_content"),
        ("id", "zoom"),
        ("id", "Zoom"),
        ("class", "bt_content"),
        ("id", "UCAP-CONTENT"),
        ("class", "article-content"),
        ("id", "fontzoom"),
        ("class", "pages_content"),
        ("class", "news_content"),
        ("class", "xxgk_content"),
        ("class", "article_content"),
        ("id", "content"),
        ("class", "content"),
    )
)
_BLOCK = frozenset(
    (
        *("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd"),
        *("section", "article", "header", "footer", "nav", "aside", "main", "blockquote"),
        *("pre", "form", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "center"),
        *("address", "hr", "figure", "figcaption", "caption"),
    )
)
_DROP = "//script|//style|//noscript|//iframe|//object|//embed|//link|//select|//button"
_CHROME_ATTR = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|footer|foot|bottom|breadcrumbs?|crumbs?|position|"
    r"location|dqwz|share|bdshare|fenxiang|print|close|prev|next|sxp|related|relevant|xgwz|"
    r"xglj|toolbar|tools|sidebar|banner|search|login|copyright|logo|qrcode|ewm|erweima|"
    r"jiucuo|pagebar)(?:$|[-_\s\d])",
    re.I,
)
_CHROME_TEXT = re.compile(
    r"^[【\[]?\s*(?:上一篇|下一篇|上一条|下一条|打印(?:本页|此页)?|关闭(?:窗口|本页)?|分享到|"
    r"字号|字体|扫一扫|浏览次数|阅读次数|访问次数|点击数|相关链接|相关文章|相关阅读|相关信息|"
    r"返回顶部|我要纠错|收藏|当前位置|您现在的位置|您的位置|【?大\s*中\s*小】?)"
)
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u200b\ufeff]+")
_BLANK_LINES = re.compile(r"\n[ \t]*(?=\n)")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — | – |--|—|－)\s*")
_INFO_LABELS = {
    "index_no": ("索引号",),
    "publisher": ("发布机构", "发文机关", "发布单位", "信息来源"),
    "published": ("发布日期", "发布时间", "公开日期", "公开时间"),
    "written": ("成文日期", "发文日期", "生成日期"),
}
_DATE_VALUE = r"([0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2})"
_VALUE = {
    "index_no": r"([0-9A-Za-z][0-9A-Za-z\-/_.·]*[0-9A-Za-z])",
    "publisher": r"([^\s\t:：|｜]{2,40})",
    "published": _DATE_VALUE,
    "written": _DATE_VALUE,
}
_SEP = r"\s*[:：]?[ \t\u3000\xa0]*\n?[ \t\u3000\xa0]*"
_INFO = {
    key: [re.compile(rf"{re.escape(label)}{_SEP}{_VALUE[key]}") for label in labels]
    for key, labels in _INFO_LABELS.items()
}
_LOOSE_DATE = re.compile(
    r"(?:^|[\s\t])(?:日期|时间)\s*[:：]\s*([0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2})"
)
_META = "//meta[translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')='{}']"
_HEADINGS = (
    "//h1|//h2|//h3|//*[@class='title' or @id='title' or @class='article-title' "
    "or @class='tit' or @class='bt' or @class='news_title' or @class='detail-title' "
    "or @class='sp_title' or @id='ivs_title']"
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


@dataclass(slots=True)
class Page:
    """A report page read off its HTML: metadata, the body element, the body's text."""

    title: str | None = None
    agency: str | None = None
    year: int | None = None
    published: str | None = None
    index_no: str | None = None
    publisher: str | None = None
    body: html.HtmlElement | None = None
    text: str = ""
    url: str | None = None


# --- text with line structure ----------------------------------------------------------


def text_of(element: etree._Element | None) -> str:
    """Text of ``element``: blocks and ``<br>`` end lines; a table row is one line, cells tabbed."""
    if element is None:
        return ""
    out: list[str] = []
    _render(element, out, with_tail=False)
    joined = "".join(out)
    lines = (ln.strip(" ") for ln in _BLANK_LINES.sub("", joined).split("\n"))
    return "\n".join(ln for ln in lines if ln.strip())


def _render(el: etree._Element, out: list[str], *, with_tail: bool = True) -> None:
    tag = el.tag
    if not isinstance(tag, str):  # comment or processing instruction: only its tail is text
        if with_tail and el.tail:
            out.append(_WS.sub(" ", el.tail))
        return
    if tag == "br":
        out.append("\n")
    elif tag == "table" and not _is_layout_table(el):
        out.append("\n")
        for row in el.iter("tr"):
            out.append("\t".join(_cell_text(c) for c in row if c.tag in ("td", "th")))
            out.append("\n")
    else:
        block = tag in _BLOCK
        if block:
            out.append("\n")
        if el.text:
            out.append(_WS.sub(" ", el.text))
        for child in el:
            _render(child, out)
        if block:
            out.append("\n")
    if with_tail and el.tail:
        out.append(_WS.sub(" ", el.tail))


def _cell_text(cell: etree._Element) -> str:
    """A table cell on one line: its inner lines joined (labels split by <br> rejoin)."""
    parts: list[str] = []
    _render(cell, parts, with_tail=False)
    return "".join(p.strip(" ") for p in "".join(parts).replace("\t", " ").split("\n")).strip()


def _is_layout_table(table: etree._Element) -> bool:
    """A table used for page layout: it holds other tables."""
    return any(True for _ in table.iterdescendants("table"))


# --- parsing and cleaning ---------------------------------------------------------------


def parse_html(markup: str) -> html.HtmlElement | None:
    """The document tree of ``markup`` (None for markup with no elements)."""
    markup = _XML_DECL.sub("", markup, count=1)
    if not markup.strip():
        return None
    try:
        return html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def _drop_noise(root: html.HtmlElement) -> None:
    for el in root.xpath(_DROP):
        _drop(el)
    for el in root.iter(etree.Comment):
        _drop(el)


def _drop(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _content_length(el: etree._Element) -> int:
    """Length of the text of ``el`` that is not link text."""
    total = len(_WS.sub("", el.text_content()))
    links = sum(len(_WS.sub("", a.text_content())) for a in el.iter("a"))
    return total - links


def _strip_chrome(container: etree._Element) -> None:
    """Drop navigation, share bars, 上一篇/下一篇, print/close links, related links."""
    whole = max(_content_length(container), 1)
    doomed: list[etree._Element] = []
    for el in container.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in ("table", "tr", "td", "th", "tbody"):
            continue
        if el.tag in ("nav", "header", "footer") or _CHROME_ATTR.search(
            f"{el.get('class', '')} {el.get('id', '')}"
        ):
            if _content_length(el) < 0.3 * whole and not _holds_table(el):
                doomed.append(el)
            continue
        if el.tag in ("p", "div", "span", "a", "li", "ul", "font", "strong", "b", "em"):
            snippet = _WS.sub(" ", el.text_content()).strip()
            if len(snippet) < 80 and _CHROME_TEXT.match(snippet) and not _holds_table(el):
                doomed.append(el)
    for el in doomed:
        if any(a in doomed for a in el.iterancestors()):
            continue
        _drop(el)


def _holds_table(el: etree._Element) -> bool:
    return any(True for _ in el.iterdescendants("table"))


# --- the body ----------------------------------------------------------------------------


def find_body(root: html.HtmlElement) -> html.HtmlElement:
    """The element holding the report: a known CMS container, else the densest block."""
    for xpath in BODY_CONTAINERS:
        found = [el for el in root.xpath(xpath) if _content_length(el) >= 100 or _holds_table(el)]
        if found:
            return _narrow(max(found, key=_content_length))
    start = root.find("body")
    if start is None:
        start = root
    _strip_chrome(start)
    return _narrow(start)


def _narrow(node: html.HtmlElement) -> html.HtmlElement:
    """Descend while one child block holds most (60 %) of the text and every table."""
    while True:
        length = _content_length(node)
        tables = sum(1 for _ in node.iter("table"))
        best = None
        for child in node:
            if not isinstance(child.tag, str) or child.tag not in _BLOCK or child.tag == "table":
                continue
            if child.tag in ("tr", "tbody", "td", "th"):
                continue
            if (
                _content_length(child) >= 0.6 * length
                and sum(1 for _ in child.iter("table")) == tables
            ):
                best = child
                break
        if best is None:
            return node
        node = best


# --- metadata ----------------------------------------------------------------------------


def _meta(root: html.HtmlElement, name: str) -> str | None:
    for el in root.xpath(_META.format(name.lower())):
        content = (el.get("content") or "").strip()
        if content:
            return content
    return None


def _title_candidates(root: html.HtmlElement) -> list[str]:
    found: list[str] = []
    meta = _meta(root, "ArticleTitle")
    if meta:
        found.append(meta)
    for el in root.xpath(_HEADINGS):
        heading = _WS.sub(" ", el.text_content()).strip()
        if 4 <= len(heading) <= 120:
            found.append(heading)
    head_title = root.find(".//title")
    if head_title is not None and head_title.text:
        parts = [p for p in _TITLE_SPLIT.split(_WS.sub(" ", head_title.text).strip()) if p]
        found.extend(sorted(parts, key=lambda p: ("报告" not in p, -len(p))))
    return found


def _pick_title(candidates: list[str], body_text: str) -> str | None:
    for cand in candidates:
        if "报告" in cand or "年报" in cand:
            return textmeta.clean_title(cand)
    in_body = textmeta.title_in_text(body_text)
    if in_body:
        return in_body
    return textmeta.clean_title(candidates[0]) if candidates else None


def _info(page_text: str) -> dict[str, str | None]:
    """索引号, 发布机构, publication and writing dates from the page's info block."""
    found: dict[str, str | None] = {}
    for key, patterns in _INFO.items():
        found[key] = None
        for pattern in patterns:
            m = pattern.search(page_text)
            if m:
                found[key] = m.group(1).strip()
                break
    if not found["published"]:
        m = _LOOSE_DATE.search(page_text)
        found["published"] = m.group(1) if m else None
    found["published"] = textmeta.parse_date(found["published"])
    found["written"] = textmeta.parse_date(found["written"])
    return found


def read_page(markup: str, url: str | None = None) -> Page:
    """The report body and metadata of one portal page."""
    root = parse_html(markup)
    if root is None:
        return Page(url=url)
    _drop_noise(root)
    page_text = text_of(root)
    info = _info(page_text)
    titles = _title_candidates(root)
    body = find_body(root)
    _strip_chrome(body)
    body_text = text_of(body)
    title = _pick_title(titles, body_text)
    sig = textmeta.signature(body_text)
    published = (
        info["published"]
        or textmeta.parse_date(_meta(root, "PubDate"))
        or info["written"]
        or sig.date
    )
    publisher = info["publisher"] or _meta(root, "ContentSource")
    agency = textmeta.agency_from_title(title) or sig.agency or publisher
    return Page(
        title=title,
        agency=agency,
        year=textmeta.year_of_report(title, body_text, published),
        published=published,
        index_no=info["index_no"],
        publisher=publisher,
        body=body,
        text=body_text,
        url=url,
    )


def read_text_page(text: str, url: str | None = None) -> Page:
    """A plain-text report as a :class:`Page` with no body element."""
    meta = textmeta.read_text(text)
    return Page(
        title=meta.title,
        agency=meta.agency,
        year=meta.year,
        published=meta.published,
        body=None,
        text=text,
        url=url,
    )
