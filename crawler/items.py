"""Items the spider yields: every fetched candidate page, with what it was judged to be."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parsers.verdict import Verdict


@dataclass
class PageItem:
    """A fetched candidate page (a report, or a look-alike the spider rejected).

    Every candidate becomes a row of the ``pages`` table; those classified ``report`` (and
    attachment-only reports) are parsed by the pipelines into ``reports`` and the cell tables.
    """

    url: str
    site_id: str
    status: int
    classification: str  # "report", or "rejected:<reason>" (e.g. "rejected:政府工作报告")
    fetched_at: str  # ISO 8601, UTC
    title: str | None = None  # <title>/article title, or the list link's text
    link_text: str | None = None  # text of the link the spider followed
    referer: str | None = None
    body: bytes | None = None  # raw bytes as served (reports only)
    encoding: str | None = None  # encoding Scrapy decoded the page with
    content_hash: str | None = None  # sha256 of the body bytes
    from_cache: bool = False  # served from Scrapy's HTTP cache (unchanged since last crawl)
    index_no: str | None = None  # 索引号
    publisher: str | None = None  # 发布机构
    file_urls: list[str] = field(default_factory=list)  # attachments: .pdf .doc .docx .wps
    files: list[dict[str, Any]] = field(default_factory=list)  # filled by FilesPipeline
    # What the spider judged the page to be (parsers.verdict.judge), once; ``classification``
    # is its stored form. None for a file reached by a report link (the parser judges it).
    verdict: Verdict | None = None
