"""List APIs of generated portals: JSON and XML answers with paging, as the server sends them.

A spec (``site.json`` → ``lists`` → path → spec) names the records file and the API's shape:
which query (or form) fields carry the page and its size, how records and paging fields are
laid out. ``answer()`` is what the server calls; a missing or unreadable page number means
the first page, as real APIs answer.
"""

from __future__ import annotations

import json
import math
from html import escape
from typing import Any

# shape → (page field, size field, offset paging, first page number)
SHAPES: dict[str, tuple[str, str, bool, int]] = {
    "kaipu": ("pageNo", "pageSize", False, 1),
    "nanwei": ("page", "rows", False, 1),
    "jiyue": ("pageIndex", "pageSize", False, 1),
    "zjoffset": ("offset", "limit", True, 0),
    "xml": ("page", "size", False, 1),
    "gkmlpt": ("page", "page_size", False, 1),
}


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


def answer(
    spec: dict[str, Any], records: list[dict[str, str]], params: dict[str, str], base_url: str
) -> tuple[bytes, str] | None:
    """The body and content type answering ``params``; None when a required field is wrong."""
    for name, value in spec.get("require", {}).items():
        if params.get(name) != value:
            return None
    shape = spec["shape"]
    page_field, size_field, offset_paging, first = SHAPES[shape]
    size = max(_int(params.get(size_field), spec["size"]), 1)
    if offset_paging:
        start = max(_int(params.get(page_field), 0), 0)
        page = start // size + 1
    else:
        page = max(_int(params.get(page_field), first), first) - first + 1
        start = (page - 1) * size
    chosen = records[start : start + size]
    if spec.get("absolute"):
        chosen = [{**r, "url": base_url + r["url"]} for r in chosen]
    total, pages = len(records), max(math.ceil(len(records) / size), 1)
    if shape == "xml":
        items = "".join(
            f"<item><title>{escape(r['title'])}</title><url>{escape(r['url'])}</url>"
            f"<date>{r['date']}</date></item>"
            for r in chosen
        )
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><result><total>{total}</total>'
            f"<page>{page}</page><pages>{pages}</pages><items>{items}</items></result>"
        )
        return body.encode(), "application/xml"  # fmt: skip
    data: Any
    if shape == "kaipu":
        rows = [{"title": r["title"], "url": r["url"], "publishTime": r["date"]} for r in chosen]
        data = {"success": True, "code": 200,
                "data": {"list": rows, "total": total, "pageNo": page, "pageSize": size,
                         "pages": pages}}  # fmt: skip
    elif shape == "nanwei":
        rows = [{"docTitle": r["title"], "docUrl": r["url"], "docDate": r["date"]} for r in chosen]
        data = {"total": total, "rows": rows}
    elif shape == "jiyue":
        rows = [{"title": r["title"], "link": r["url"], "date": r["date"], "id": i}
                for i, r in enumerate(chosen, start + 1)]  # fmt: skip
        data = {"status": 1, "data": {"data": rows, "total": total, "pageCount": pages,
                                      "pageIndex": page}}  # fmt: skip
    elif shape == "zjoffset":
        rows = [{"name": r["title"], "link": r["url"], "time": r["date"]} for r in chosen]
        data = {"code": 0, "result": {"items": rows, "totalCount": total}}
    else:  # gkmlpt
        rows = [{"title": r["title"], "url": r["url"], "first_publish_time": r["date"]}
                for r in chosen]  # fmt: skip
        data = {"articles": rows, "total": total, "page": page, "page_size": size}
    return json.dumps(data, ensure_ascii=False).encode(), "application/json"
