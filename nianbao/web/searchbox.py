"""The search box of a table page at national size: a word in most reports gets an answer.

Datasette's table search is ``rowid in (select rowid from reports_fts where … match …)``: the
match itself is fast (41 ms for 复议 at a million reports), but the count, the first page and
every facet then read each matching row of ``reports``, about 2 µs a row. 复议 is in 935,378
of a million reports: 8 s a page, or "SQL interrupted" past ``sql_time_limit_ms``.

:func:`broad_search` counts the matches in the full-text index first. Above
``PAGE_MAX_MATCHES`` the page (HTML, JSON or CSV: a CSV of every match read the same rows and
was interrupted) answers at once with the count and the ways that work: the ``search`` query
(ranked, the newest 20,000 matches) or a more specific search.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from datasette.utils import escape_sqlite
from datasette.utils.asgi import Request
from datasette.views.base import DatasetteError
from markupsafe import escape

from storage.search import fts_query

# Matches above which a table page would read too many wide rows (about 12 µs a match over
# the count, the rows and four facets: 100,000 matches ≈ 1.2 s).
PAGE_MAX_MATCHES = 100_000
TITLE = "Too many matches for this page 匹配的年报太多"


def broad_search_message(search: str, matches: int, search_url: str) -> str:
    """The page's message: how many reports match, and what answers at once."""
    word = escape(search)
    return (
        f"<p>“{word}” is in {matches:,} reports, more than {PAGE_MAX_MATCHES:,}. This page"
        " counts and facets every report it finds, which at that number takes longer than the"
        f" time limit. “{word}”出现在 {matches:,} 份年报中，本页无法在时限内逐份统计。</p>"
        f'<p>Use the <a href="{escape(search_url)}">search query 全文搜索</a>: it ranks the'
        " newest 20,000 matches at once. Or make the search more specific: add a rarer word"
        " (复议 白水县).</p>"
    )


async def count_matches(datasette: Any, database: str, fts_table: str, search: str) -> int:
    """How many rows of ``fts_table`` match ``search`` (the index alone, no table row read)."""
    fts = escape_sqlite(fts_table)
    sql = f"select count(*) from {fts} where {fts} match :q"
    result = await datasette.get_database(database).execute(sql, {"q": fts_query(search)})
    return result.first()[0]


async def broad_search(request: Request, database: str, table: str, datasette: Any) -> None:
    """Decline (a 400 answer saying why) a table page whose ``_search`` matches more than
    ``PAGE_MAX_MATCHES`` rows; narrower searches go on as Datasette runs them."""
    search = request.args.get("_search", "").strip()
    fts_table = datasette.table_metadata(database, table).get("fts_table")
    if not search or not fts_table:
        return
    matches = await count_matches(datasette, database, fts_table, search)
    if matches <= PAGE_MAX_MATCHES:
        return
    search_url = datasette.urls.table(database, "search") + "?" + urlencode({"q": search})
    message = broad_search_message(search, matches, search_url)
    raise DatasetteError(message, title=TITLE, status=400, message_is_html=True)
