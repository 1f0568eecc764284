"""Atom feeds of canned queries (datasette-atom) that also answer when the query has no row.

datasette-atom 0.9 takes the feed's ``updated`` from the newest row, so a feed query without a
row (no report changed yet) answered 500. :func:`patch_empty_feeds` wraps its renderer: an
empty result is a valid feed with no entry, dated now.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from datasette.utils.asgi import Response

ATOM_TYPE = "application/xml; charset=utf-8"


def empty_feed(url: str, title: str) -> str:
    """An Atom feed with no entry."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(url)}</id><title>{escape(title)}</title><updated>{now}</updated>"
        f'<link href="{escape(url, {chr(34): "&quot;"})}" rel="self"/>'
        "<generator>Datasette</generator></feed>"
    )


def patch_empty_feeds() -> None:
    """Make datasette-atom's renderer answer an empty result with an empty feed (once)."""
    import datasette_atom

    render = datasette_atom.render_atom
    if getattr(render, "answers_empty", False):
        return

    def render_atom(datasette: Any, request: Any, sql: str, columns: Any, rows: Any,
                    database: str, table: str | None, query_name: str | None,
                    view_name: str, data: Any) -> Any:  # fmt: skip
        if rows or not datasette_atom.REQUIRED_COLUMNS.issubset(columns):
            return render(datasette, request, sql, columns, rows, database, table,
                          query_name, view_name, data)  # fmt: skip
        queries = (datasette.metadata(database=database) or {}).get("queries", {})
        title = (queries.get(query_name) or {}).get("title") or query_name or sql
        return Response(empty_feed(request.url, title), content_type=ATOM_TYPE)

    render_atom.answers_empty = True  # type: ignore[attr-defined]
    datasette_atom.render_atom = render_atom
