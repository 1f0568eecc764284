"""Full-text search over report titles and text that finds Chinese words of any length.

SQLite's tokenizers do not segment Chinese: ``unicode61`` takes a whole run of characters as
one token, ``trigram`` cannot match words shorter than three characters (复议, 公开). So the
index does not hold the text but its *bigram form* (:func:`bigram_text`): every run of Chinese
characters becomes its overlapping character pairs followed by its last character
(白水县 → ``白水 水县 县``); other text (numbers, Latin words) stays as it is. ``reports_fts``
is a contentless FTS5 table (``unicode61``) over that form, kept current by triggers that call
the SQL function ``nianbao_bigrams`` (registered by :func:`register_functions`, which
``storage.open_db`` does: a connection writing ``reports`` without it fails loudly).

A query is rewritten the same way (:func:`fts_query`): a word is the phrase of its tokens as
the index holds them (行政复议 → ``"行政 政复 复议"``: consecutive pairs, so the word as
written; 省3县 → ``"省 3 县" *``); a word ending in one Chinese character ends in a prefix
(复 → ``"复" *``: the pair or last character starting with it); words separated by spaces
must all occur (AND). Datasette's search box uses the same rewrite (``nianbao/web`` registers
it as ``escape_fts``), and results are ranked with bm25 (title hits weigh more).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

import sqlite_utils

FTS_TABLE = "reports_fts"
FTS_COLUMNS = ("title", "text")
BIGRAM_FUNCTION = "nianbao_bigrams"
QUERY_FUNCTION = "nianbao_fts_query"
# bm25 weights of the indexed columns: a word in the title counts ten times one in the text.
RANK = f"bm25({FTS_TABLE}, 10.0, 1.0)"

# CJK ideographs (unified, extension A, compatibility) and the 〇 numeral.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_QUERY_PIECE = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")

_TRIGGERS = f"""
CREATE TRIGGER [reports_ai] AFTER INSERT ON [reports] BEGIN
  INSERT INTO [{FTS_TABLE}] (rowid, [title], [text])
    VALUES (new.rowid, {BIGRAM_FUNCTION}(new.[title]), {BIGRAM_FUNCTION}(new.[text]));
END;
CREATE TRIGGER [reports_ad] AFTER DELETE ON [reports] BEGIN
  INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}], rowid, [title], [text])
    VALUES ('delete', old.rowid, {BIGRAM_FUNCTION}(old.[title]), {BIGRAM_FUNCTION}(old.[text]));
END;
CREATE TRIGGER [reports_au] AFTER UPDATE OF [title], [text] ON [reports] BEGIN
  INSERT INTO [{FTS_TABLE}] ([{FTS_TABLE}], rowid, [title], [text])
    VALUES ('delete', old.rowid, {BIGRAM_FUNCTION}(old.[title]), {BIGRAM_FUNCTION}(old.[text]));
  INSERT INTO [{FTS_TABLE}] (rowid, [title], [text])
    VALUES (new.rowid, {BIGRAM_FUNCTION}(new.[title]), {BIGRAM_FUNCTION}(new.[text]));
END;
"""


def _bigrams(match: re.Match[str]) -> str:
    run = match.group()
    pairs = [run[i : i + 2] for i in range(len(run) - 1)]
    return " " + " ".join([*pairs, run[-1]]) + " "


def bigram_text(text: str | None) -> str | None:
    """``text`` as the index holds it: each Chinese run as its bigrams and last character."""
    if text is None:
        return None
    return _CJK_RUN.sub(_bigrams, unicodedata.normalize("NFKC", text))


def _phrase(tokens: list[str], prefix: bool = False) -> str:
    return '"' + " ".join(tokens) + '"' + (" *" if prefix else "")


def _word_phrase(word: str) -> str:
    """The phrase finding ``word`` as written: its pieces' tokens, consecutive, as indexed.

    A Chinese run followed by another piece of the word ends there in the text too, so it is
    its pairs and its last character; the run that ends the word may go on in the text, so it
    is its pairs, or the prefix of the pair it starts when it is one character.
    """
    pieces = _QUERY_PIECE.findall(word)
    tokens: list[str] = []
    for i, piece in enumerate(pieces):
        if not _CJK_RUN.fullmatch(piece):
            tokens.append(piece)
            continue
        tokens += [piece[j : j + 2] for j in range(len(piece) - 1)]
        if i < len(pieces) - 1:
            tokens.append(piece[-1])
        elif len(piece) == 1:
            return _phrase([*tokens, piece], prefix=True)
    return _phrase(tokens)


def fts_query(query: str | None) -> str:
    """An FTS5 query for ``reports_fts`` finding every space-separated word of ``query``.

    Each word is one phrase (:func:`_word_phrase`), so 省3县4教育局 is found where it is
    written so, not where its parts occur apart. Quotes and operators typed by the user are
    plain characters (never an FTS syntax error). A query with no word matches nothing.
    """
    words = unicodedata.normalize("NFKC", query or "").split()
    terms = [_word_phrase(word) for word in words if _QUERY_PIECE.search(word)]
    return " AND ".join(terms) if terms else '""'


def register_functions(conn: sqlite3.Connection) -> None:
    """Register ``nianbao_bigrams`` (the triggers need it) and ``nianbao_fts_query``."""
    conn.create_function(BIGRAM_FUNCTION, 1, bigram_text, deterministic=True)
    conn.create_function(QUERY_FUNCTION, 1, fts_query, deterministic=True)


def _fts_is_current(db: sqlite_utils.Database) -> bool:
    sql = db.execute("select sql from sqlite_master where name = ?", [FTS_TABLE]).fetchone()
    return bool(sql) and "content=''" in sql[0].replace('"', "'")


def enable_search(db: sqlite_utils.Database) -> None:
    """Create the bigram index ``reports_fts`` with its triggers (replacing an older index).

    A database with the former trigram index (or none) is indexed once, here.
    """
    register_functions(db.conn)
    if _fts_is_current(db):
        return
    for trigger in ("reports_ai", "reports_ad", "reports_au"):
        db.execute(f"DROP TRIGGER IF EXISTS [{trigger}]")
    db.execute(f"DROP TABLE IF EXISTS [{FTS_TABLE}]")
    db.execute(
        f"CREATE VIRTUAL TABLE [{FTS_TABLE}] USING fts5 ([title], [text], content='',"
        " tokenize='unicode61 remove_diacritics 2')"
    )
    for statement in _TRIGGERS.split("END;"):  # one by one: executescript would commit
        if statement.strip():
            db.execute(statement + "END;")
    db.execute(
        f"INSERT INTO [{FTS_TABLE}] (rowid, [title], [text]) SELECT rowid,"
        f" {BIGRAM_FUNCTION}([title]), {BIGRAM_FUNCTION}([text]) FROM [reports]"
    )


def search_reports(
    db: sqlite_utils.Database, query: str, *, limit: int = 50
) -> list[dict[str, Any]]:
    """Reports whose title or text holds every word of ``query``, best match first.

    Each result: id, title, agency, year, site.
    """
    if not query.split():
        return []
    sql = (
        "select r.id, r.title, r.agency, r.year, r.site from reports_fts f"
        " join reports r on r.rowid = f.rowid"
        f" where reports_fts match ? order by {RANK}, r.year desc limit ?"
    )
    return [dict(row) for row in db.query(sql, [fts_query(query), limit])]
