"""Full-text search over report titles and text: an FTS5 trigram index, and a substring scan.

``reports_fts`` is an FTS5 table with the ``trigram`` tokenizer (no word segmentation is needed
for Chinese), kept current by triggers. A trigram index cannot match words shorter than three
characters (预算, 复议): :func:`search_reports` answers those with a substring scan (``instr``,
so ``%`` and ``_`` are plain characters) over the same columns, a fraction of a second on a
county's reports. In Datasette, search with 3+ characters in the search box, or filter
``text__contains=复议`` for two-character words.

The update trigger that sqlite-utils creates fires on *any* column; it is narrowed to
``UPDATE OF title, text`` so marking a report as checked does not re-index its text.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

FTS_COLUMNS = ("title", "text")

_UPDATE_TRIGGER = """
CREATE TRIGGER [reports_au] AFTER UPDATE OF [title], [text] ON [reports] BEGIN
  INSERT INTO [reports_fts] ([reports_fts], rowid, [title], [text])
    VALUES('delete', old.rowid, old.[title], old.[text]);
  INSERT INTO [reports_fts] (rowid, [title], [text]) VALUES (new.rowid, new.[title], new.[text]);
END
"""


def enable_search(db: sqlite_utils.Database) -> None:
    """Create the trigram FTS index on ``reports`` (once) with its triggers."""
    reports = db["reports"]
    if reports.detect_fts() is None:
        reports.enable_fts(list(FTS_COLUMNS), tokenize="trigram", create_triggers=True)
    trigger = db.execute("select sql from sqlite_master where name = 'reports_au'").fetchone()
    if trigger and "UPDATE OF" not in trigger[0]:
        db.execute("DROP TRIGGER [reports_au]")
        db.execute(_UPDATE_TRIGGER)


def search_reports(
    db: sqlite_utils.Database, query: str, *, limit: int = 50
) -> list[dict[str, Any]]:
    """Reports whose title or text holds every word of ``query`` (id, title, agency, year, site).

    Words of three or more characters use the trigram index; shorter ones a substring scan.
    """
    words = query.split()
    if not words:
        return []
    where: list[str] = []
    params: list[Any] = []
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        phrase = " ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        where.append("rowid in (select rowid from reports_fts where reports_fts match ?)")
        params.append(phrase)
    for word in (w for w in words if len(w) < 3):
        where.append("(instr(title, ?) > 0 or instr(text, ?) > 0)")  # no LIKE wildcards
        params += [word, word]
    sql = (
        "select id, title, agency, year, site from reports where "
        + " and ".join(where)
        + " order by year desc, agency limit ?"
    )
    return [dict(row) for row in db.query(sql, [*params, limit])]
