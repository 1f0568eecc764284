"""A portal page to its report body and metadata (title, agency, year, dates, 索引号, 发布机构).

The body is found in the containers the common CMSs use (TRS ``.TRS_Editor``, Hanweb
``#zoom``, Anhui ``.j-fontContent`` …), else as the smallest block holding most of the
page's non-link text and all of its tables. Chrome inside it (share bars, 上一篇/下一篇,
print/close links, related links, breadcrumbs) is removed. Metadata comes from the
``<meta>`` tags of 集约化 platforms, the article heading, the 索引号/发布机构/发布日期 info
block, ``<title>`` and, last, the signature at the end of the report.
"""

from __future__ import annotations

import html as html_lib
import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from parsers import text as textmeta
from parsers.grid import cell_text

# Containers of the article body, most specific first: ("class" | "id", name).
BODY_CONTAINERS: tuple[tuple[str, str], ...] = (
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
_ATTRIBUTES = {kind: etree.XPath(f"//@{kind}", smart_strings=False) for kind in ("class", "id")}
_CONTAINER_TAGS = ("div", "td", "article", "section")
_BLOCK = frozenset(
    (
        *("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd"),
        *("section", "article", "header", "footer", "nav", "aside", "main", "blockquote"),
        *("pre", "form", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "center"),
        *("address", "hr", "figure", "figcaption", "caption"),
    )
)
_CELLS = frozenset(("td", "th"))
# Elements that may wrap a whole article (a <p> or <li> never does).
_WRAPPERS = frozenset(("div", "section", "article", "main", "center", "form", "font", "span"))
_INLINE = frozenset(("a", "span", "font", "strong", "b", "em", "i", "u", "label"))
_THREAD = threading.local()  # an lxml parser must not be shared between threads
_NOISE = ("script", "style", "noscript", "iframe", "object", "select", "button", "textarea")
_TAG = re.compile(r"<[^>]*>")
_CHROME_CANDIDATES = "|".join(
    (
        *(f".//{tag}[@class or @id]" for tag in ("div", "ul", "p", "span", "section", "a")),
        ".//nav",
        ".//header",
        ".//footer",
    )
)
# The page-chrome vocabulary, in one place: a line or a short element starting with one of
# these phrases (regular expressions) is chrome — paging, print/close, share, font size,
# counters, related links, breadcrumbs — or, for a line, the site footer.
CHROME_PHRASES = (
    "上一篇", "下一篇", "上一条", "下一条", r"打印(?:本页|此页)?", r"关闭(?:窗口|本页)?", "分享到",
    "字号", "字体", "扫一扫", "浏览次数", "阅读次数", "访问次数", "点击数", "相关链接", "相关文章",
    "相关阅读", "相关信息", "返回顶部", "我要纠错", "收藏", "当前位置", "您现在的位置", "您的位置",
    r"【?大\s*中\s*小】?",
)  # fmt: skip
FOOTER_PHRASES = ("主办单位", "承办单位", "版权所有", "网站标识码", r".{0,20}ICP备")
# Substrings of those phrases: text nodes holding one are checked against the phrases.
CHROME_WORDS = (
    "上一", "下一", "打印", "关闭", "分享", "字号", "字体", "扫一扫", "次数", "点击数", "相关",
    "返回顶部", "纠错", "收藏", "位置", "大 中 小", "大中小",
)  # fmt: skip
_CHROME_START = r"^[【\[]?\s*(?:{})"
# Lines of body text that betray chrome left inside a body container.
_CHROME_LINE = re.compile(_CHROME_START.format("|".join((*CHROME_PHRASES, *FOOTER_PHRASES))), re.M)
_CHROME_TEXT_NODES = ".//text()[{}]".format(
    " or ".join(f"contains(., '{w}')" for w in CHROME_WORDS)
)
_CHROME_ATTR = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|footer|foot|bottom|breadcrumbs?|crumbs?|position|"
    r"location|dqwz|share|bdshare|fenxiang|print|close|prev|next|sxp|related|relevant|xgwz|"
    r"xglj|toolbar|tools|sidebar|banner|search|login|copyright|logo|qrcode|ewm|erweima|"
    r"jiucuo|pagebar)(?:$|[-_\s\d])",
    re.I,
)
_CHROME_TEXT = re.compile(_CHROME_START.format("|".join(CHROME_PHRASES)))
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u200b\ufeff]+")
# Separators of "report title - site name" in <title> (a hyphen between digits is kept).
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜| - | — | – |--|—|－|(?<!\d)-(?!\d))\s*")
_PUBDATE_METAS = ("PubDate", "publishdate", "firstpublishedtime", "article:published_time")
_INFO_LABELS = {
    "index_no": ("索引号",),
    "publisher": ("发布机构", "发文机关", "发布单位", "信息来源", "来源"),
    "published": ("发布日期", "发布时间", "公开日期", "公开时间"),
    "written": ("成文日期", "发文日期", "生成日期"),
}
_DATE_VALUE = r"([0-9０-９]{4}\s*[-/.年]\s*[0-9０-９]{1,2}\s*[-/.月]\s*[0-9０-９]{1,2})"
_VALUES = {
    "index_no": re.compile(r"[\s:：]*([0-9A-Za-z][0-9A-Za-z\-/_.·]*[0-9A-Za-z])"),
    "publisher": re.compile(r"[\s:：]*([^\s:：|｜]{2,40})"),
    "published": re.compile(rf"[\s:：]*{_DATE_VALUE}"),
    "written": re.compile(rf"[\s:：]*{_DATE_VALUE}"),
}


_SPACE = r"(?:[ \u3000\xa0]|&nbsp;|&#160;)*"


def _spaced(label: str) -> str:
    """A label as printed, maybe with spaces or &nbsp; between its characters (索 引 号)."""
    return _SPACE.join(re.escape(c) for c in label)


_LABEL_KEY = {label: key for key, labels in _INFO_LABELS.items() for label in labels}
_LABEL_GROUP = {f"l{i}": label for i, label in enumerate(_LABEL_KEY)}
# One scan per first character (a literal start is fast to search for) for all its labels.
_LABEL_SCANS = [
    re.compile(
        re.escape(first)
        + _SPACE
        + "(?:{})".format(
            "|".join(
                f"(?P<{group}>{_spaced(label[1:])})"
                for group, label in _LABEL_GROUP.items()
                if label[0] == first
            )
        )
    )
    for first in dict.fromkeys(label[0] for label in _LABEL_KEY)
]
_LOOSE_DATE = re.compile(
    r"(?:日期|时间)\s*[:：]\s*(?:<[^>]*>\s*)*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})"
)
_HEADING_CLASSES = ("title", "article-title", "tit", "bt", "news_title", "detail-title", "sp_title")
_HEADINGS = etree.XPath(
    "|".join(f"//{tag}[@class=$name]" for tag in ("div", "td", "p", "span", "h1", "h2"))
)
_LENGTH = etree.XPath("string-length(normalize-space())")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # lxml refuses to set these
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
    body: etree._Element | None = None
    text: str = ""
    url: str | None = None
    # each table cell's text as ``text`` read it (the cell element as key): the tables
    # reader takes it from here instead of reading every cell again
    cell_texts: dict[etree._Element, str] = field(default_factory=dict)


# --- text with line structure ----------------------------------------------------------


def text_of(
    element: etree._Element | None, cell_texts: dict[etree._Element, str] | None = None
) -> str:
    """Text of ``element``: blocks and ``<br>`` end lines; a table row is one line, cells tabbed.

    Empty lines go; a row of blank cells stays (its tabs keep the row and its columns).
    ``cell_texts``, when given, receives the text of each cell of a leaf table.
    """
    if element is None:
        return ""
    out: list[str] = []
    _render(element, out, {} if cell_texts is None else cell_texts, with_tail=False)
    lines = "".join(out).split("\n")
    return "\n".join([s for ln in lines if (s := ln.strip(" ")) and (not s.isspace() or "\t" in s)])


def _render(
    el: etree._Element, out: list[str], cells: dict[etree._Element, str], *, with_tail: bool = True
) -> None:
    tag = el.tag
    if tag == "br":
        out.append("\n")
    elif tag == "table" and not _holds_table(el):
        out.append("\n")
        for row in el.iter("tr"):
            texts = []
            for c in row.iterchildren("td", "th"):
                texts.append(text := cell_text(c))
                cells[c] = text
            out.append("\t".join(texts))
            out.append("\n")
    elif isinstance(tag, str):
        block = tag in _BLOCK
        if block:
            out.append("\n")
        if el.text:
            out.append(_WS.sub(" ", el.text))
        for child in el:
            _render(child, out, cells)
        if block:
            out.append("\n")
    if with_tail and el.tail:
        out.append(_WS.sub(" ", el.tail))


def _string(el: etree._Element) -> str:
    """All the text inside ``el``."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _holds_table(el: etree._Element) -> bool:
    """``el`` has a table inside (an iterator stops at the first: cheaper than XPath)."""
    return next(el.iterdescendants("table"), None) is not None


def _count_tables(el: etree._Element) -> int:
    """Number of tables inside ``el``."""
    return sum(1 for _ in el.iterdescendants("table"))


# --- parsing and cleaning ---------------------------------------------------------------


def _parser() -> etree.HTMLParser:
    """This thread's parser: plain lxml elements (lxml.html's element classes cost more)."""
    parser = getattr(_THREAD, "parser", None)
    if parser is None:
        parser = _THREAD.parser = etree.HTMLParser(
            remove_comments=True, remove_pis=True, collect_ids=False
        )
    return parser


def parse_html(markup: str) -> etree._Element | None:
    """The document tree of ``markup`` (None for markup with no elements)."""
    markup = _XML_DECL.sub("", markup, count=1)
    if not markup.strip():
        return None
    try:
        return etree.fromstring(markup, _parser())
    except (etree.ParserError, ValueError):
        return None


def _drop(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        # lxml refuses control characters it let the parser keep: drop them when moving text
        if prev is not None:
            prev.tail = _CONTROL.sub("", (prev.tail or "") + el.tail)
        else:
            parent.text = _CONTROL.sub("", (parent.text or "") + el.tail)
    parent.remove(el)


def _length(el: etree._Element) -> int:
    """Length of the text of ``el`` (whitespace collapsed)."""
    return int(_LENGTH(el))


def _link_length(el: etree._Element) -> int:
    """Length of the link text inside ``el``."""
    return sum(len(t.strip()) for t in _LINK_TEXT(el))


def _content_length(el: etree._Element, known: dict[etree._Element, int] | None = None) -> int:
    """Length of the text of ``el`` that is not link text.

    ``known``: lengths measured before (the tree unchanged since), where this one is kept too.
    """
    if known is not None and el in known:
        return known[el]
    length = _length(el) - _link_length(el)
    if known is not None:
        known[el] = length
    return length


def _strip_chrome(container: etree._Element) -> None:
    """Drop navigation, share bars, 上一篇/下一篇, print/close links, related links."""
    whole = max(_content_length(container), 1)
    doomed: list[etree._Element] = []
    for el in container.xpath(_CHROME_CANDIDATES):
        if el.tag in ("table", "tbody", "tr", "td", "th"):
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        chrome = el.tag in ("nav", "header", "footer") or _CHROME_ATTR.search(attrs)
        if chrome and _content_length(el) < 0.3 * whole and not _holds_table(el):
            doomed.append(el)
    for node in container.xpath(_CHROME_TEXT_NODES):
        el = node.getparent()
        if node.is_tail:
            el = el.getparent()
        while el is not None and el is not container and el.tag in _INLINE:
            parent = el.getparent()
            if parent is None or parent is container or _length(parent) >= 80:
                break
            el = parent
        if el is None or el is container or el.tag in _CELLS or _length(el) >= 80:
            continue
        if _CHROME_TEXT.match(_WS.sub(" ", _string(el)).strip()):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and not any(a in doomed for a in el.iterancestors()):
            _drop(el)


# --- the body ----------------------------------------------------------------------------


def attribute_tokens(root: etree._Element) -> set[tuple[str, str]]:
    """``("class" | "id", token)`` of every class and id attribute in the document."""
    return {
        (kind, token)
        for kind, xpath in _ATTRIBUTES.items()
        for token in set(" ".join(xpath(root)).split())  # each token once: few tuples made
    }


def find_body(root: etree._Element, tokens: set[tuple[str, str]] | None = None) -> etree._Element:
    """The element holding the report: a known CMS container, else the densest block.

    Containers whose class or id is not among ``tokens`` (:func:`attribute_tokens`) are not
    looked for. Menus weigh little in the densest-block search, which counts text outside
    links.
    """
    present = attribute_tokens(root) if tokens is None else tokens
    wanted = [container for container in BODY_CONTAINERS if container in present]
    found = _containers(root, wanted) if wanted else {}
    known: dict[etree._Element, int] = {}  # content lengths: each element measured once
    for container in wanted:
        matches = [
            el
            for el in found.get(container, ())
            if _content_length(el, known) >= 100 or _holds_table(el)
        ]
        if matches:
            return _narrow(_join_parts(matches, known), known)
    start = root.find("body")
    return _narrow(root if start is None else start, known)


def _containers(
    root: etree._Element, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], list[etree._Element]]:
    """The elements of each ``wanted`` container (``("class" | "id", name)``), in document
    order: one pass over the document's div/td/article/section elements for all of them."""
    found: dict[tuple[str, str], list[etree._Element]] = {}
    for el in root.iter(*_CONTAINER_TAGS):
        classes = el.get("class")
        id_ = el.get("id")
        if classes is None and id_ is None:
            continue
        tokens = classes.split() if classes else ()
        for container in wanted:
            kind, name = container
            if (id_ == name) if kind == "id" else (name in tokens):
                found.setdefault(container, []).append(el)
    return found


def _join_parts(matches: list[etree._Element], known: dict[etree._Element, int]) -> etree._Element:
    """The fullest container, or the block holding it and any other one with tables.

    Some editors save a report as two containers (the text, then the tables). ``known``:
    content lengths measured before (:func:`_content_length`).
    """
    best = max(matches, key=lambda el: _content_length(el, known))
    others = [
        el
        for el in matches
        if el is not best
        and _holds_table(el)
        and best not in el.iterancestors()
        and el not in best.iterancestors()
    ]
    if not others:
        return best
    ancestors = list(best.iterancestors())
    for el in others:
        mine = set(el.iterancestors())
        ancestors = [a for a in ancestors if a in mine]
    return ancestors[0] if ancestors else best


def _narrow(node: etree._Element, known: dict[etree._Element, int]) -> etree._Element:
    """Descend while one child block holds most (60 %) of the text and every table.

    ``known``: content lengths measured before (:func:`_content_length`).
    """
    length = _content_length(node, known)
    tables = _count_tables(node)
    while True:
        best = None
        for child in node:
            if child.tag not in _WRAPPERS:
                continue
            whole = _length(child)
            if whole < 0.6 * length:  # cheap necessary condition first
                continue
            content = whole - _link_length(child)
            if content >= 0.6 * length and _count_tables(child) == tables:
                best = child
                break
        if best is None:
            return node
        node, length = best, content


# --- metadata ----------------------------------------------------------------------------


def _meta(root: etree._Element, name: str) -> str | None:
    """The content of ``<meta name=…>`` (or ``property=…``), whatever the case of the name."""
    head = root.find("head")
    for el in head.iter("meta") if head is not None else ():
        content = (el.get("content") or "").strip()
        if content and (el.get("name") or el.get("property") or "").lower() == name.lower():
            return content
    return None


def _title_candidates(root: etree._Element, tokens: set[tuple[str, str]]) -> Iterator[str]:
    """Possible titles, best first: ArticleTitle, headings, ``<title>`` parts."""
    meta = _meta(root, "ArticleTitle")
    if meta:
        yield meta
    classed = (
        el
        for name in _HEADING_CLASSES
        if ("class", name) in tokens
        for el in _HEADINGS(root, name=name)
    )
    for el in itertools.chain(root.iter("h1", "h2", "h3"), classed):
        heading = _WS.sub(" ", _string(el)).strip()
        if 4 <= len(heading) <= 120 and not _mostly_links(el, heading):
            yield heading
    head = root.find("head")
    head_title = head.find("title") if head is not None else None
    if head_title is not None and head_title.text:
        parts = [p for p in _TITLE_SPLIT.split(_WS.sub(" ", head_title.text).strip()) if p]
        yield from sorted(parts, key=lambda p: ("报告" not in p, -len(p)))


def _mostly_links(el: etree._Element, text: str) -> bool:
    """Half or more of ``el``'s text is link text: a menu or a link, never a title."""
    links = sum(len(t.strip()) for t in _LINK_TEXT(el))
    return links * 2 >= len(text.replace(" ", "")) and links > 0


def prose_lines(body: etree._Element | None, body_text: str) -> str:
    """``body_text`` without the lines that are link texts (menus, lists of links)."""
    if body is None:
        return body_text
    links = [t for t in (_WS.sub("", x) for x in _LINK_TEXT(body)) if t]
    if not links:
        return body_text
    keep = []
    for line in body_text.splitlines():
        squeezed = _WS.sub("", line)
        linked = sum(len(t) for t in links if t in squeezed)
        if linked * 2 < len(squeezed):
            keep.append(line)
    return "\n".join(keep)


def _pick_title(
    candidates: Iterator[str], body_text: str, body: etree._Element | None = None
) -> str | None:
    """The first candidate naming a report, else a title line of the body (not a run of link
    texts), else the first."""
    first = None
    for cand in candidates:
        if any(word in cand for word in textmeta.REPORT_WORDS):
            return textmeta.clean_title(cand)
        first = first or cand
    return textmeta.title_in_text(prose_lines(body, body_text)) or textmeta.clean_title(first)


def _word_start(markup: str, at: int) -> bool:
    """True unless a Chinese character precedes ``at`` (来源 inside 资金来源 is no label)."""
    return not at or not "\u4e00" <= markup[at - 1] <= "\u9fff"


def _info(markup: str) -> dict[str, str | None]:
    """索引号, 发布机构, publication and writing dates from the page's info block.

    Read off the markup: each label's first occurrence followed by a value in the text
    after it (tags become tabs), whether the block is a table, a list or a line of text.
    """
    values: dict[str, str] = {}
    for scan in _LABEL_SCANS:
        for m in scan.finditer(markup):
            label = _LABEL_GROUP[m.lastgroup or ""]
            if label in values or not _word_start(markup, m.start()):
                continue
            after = html_lib.unescape(_TAG.sub("\t", markup[m.end() : m.end() + 300]))
            found = _VALUES[_LABEL_KEY[label]].match(after)
            if found:
                values[label] = found.group(1).strip()
    info = {
        key: next((values[label] for label in labels if label in values), None)
        for key, labels in _INFO_LABELS.items()
    }
    if not info["published"]:
        m = next((m for m in _LOOSE_DATE.finditer(markup) if _word_start(markup, m.start())), None)
        info["published"] = m.group(1) if m else None
    info["published"] = textmeta.parse_date(info["published"])
    info["written"] = textmeta.parse_date(info["written"])
    return info


def read_page(markup: str, url: str | None = None) -> Page:
    """The report body and metadata of one portal page."""
    root = parse_html(markup)
    if root is None:
        return Page(url=url)
    for el in list(root.iter(_NOISE)):
        _drop(el)
    start = markup.find("<body")
    info = _info(markup[start:] if start >= 0 else markup)
    tokens = attribute_tokens(root)
    titles = _title_candidates(root, tokens)
    body = find_body(root, tokens)
    cell_texts: dict[etree._Element, str] = {}
    body_text = text_of(body, cell_texts)
    if _CHROME_LINE.search(body_text):  # chrome inside the container: drop it, read again
        _strip_chrome(body)
        cell_texts.clear()
        body_text = text_of(body, cell_texts)
    title = _pick_title(titles, body_text, body)
    sig = textmeta.signature(body_text)
    published = (
        info["published"]
        or next(filter(None, (textmeta.parse_date(_meta(root, n)) for n in _PUBDATE_METAS)), None)
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
        cell_texts=cell_texts,
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
