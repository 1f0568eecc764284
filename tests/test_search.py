"""The search rewrite against the bigram index: a word is found where it is written, only there.

Property (Hypothesis): any piece of a report's text, cut anywhere but inside a Latin word or a
number, is found as one word; and a word found is in the text as written (once spaces and
punctuation, which the index does not hold, are taken out of both).
"""

from __future__ import annotations

import sqlite_utils
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from storage.search import _CJK_RUN, enable_search, fts_query

# a few characters of each kind, so that runs, pairs and repeats are frequent
ALPHABET = "省县市局教育复议公开3490abZ-·，。 "


def _index(texts: list[str]) -> sqlite_utils.Database:
    db = sqlite_utils.Database(memory=True)
    db["reports"].insert_all(
        [{"id": i, "title": "", "text": text} for i, text in enumerate(texts, 1)], pk="id"
    )
    enable_search(db)
    return db


def _found(db: sqlite_utils.Database, query: str) -> list[int]:
    sql = "select rowid from reports_fts where reports_fts match ? order by rowid"
    return [row[0] for row in db.execute(sql, [fts_query(query)]).fetchall()]


def _cuts_a_word(text: str, at: int) -> bool:
    """Whether a cut at ``at`` falls inside a Latin word or a number (the index cannot see it)."""
    if at in (0, len(text)):
        return False
    before, after = text[at - 1], text[at]
    return all(c.isalnum() and not _CJK_RUN.fullmatch(c) for c in (before, after))


def test_a_word_is_one_phrase_as_written():
    assert fts_query("省3县4教育局") == '"省 3 县 4 教育 育局"'
    assert fts_query("教育局4") == '"教育 育局 局 4"'  # the run ends before 4: its last character
    assert fts_query("3县") == '"3 县" *'  # 县 may begin a longer run in the text
    assert fts_query("行政复议 诉讼") == '"行政 政复 复议" AND "诉讼"'
    assert fts_query("%") == '""'


def test_the_parts_of_a_word_apart_are_not_the_word():
    db = _index(["省3县5教育局，省4县4教育局", "陕西省3县4教育局4月", "市教育局4件"])
    assert _found(db, "省3县4教育局") == [2]
    assert _found(db, "教育局4") == [2, 3]
    assert _found(db, "县4") == [1, 2]
    assert _found(db, "县4教") == [1, 2]


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, min_size=1, max_size=40),
    cut=st.tuples(st.integers(0, 40), st.integers(1, 12)),
)
def test_any_piece_of_the_text_is_found(text, cut):
    start = min(cut[0], len(text) - 1)
    end = min(start + cut[1], len(text))
    piece = text[start:end]
    assume(piece.strip() == piece and " " not in piece and fts_query(piece) != '""')
    assume(not _cuts_a_word(text, start) and not _cuts_a_word(text, end))
    db = _index([text, "无关的文字"])
    assert _found(db, piece) == [1]


def _squeezed(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, min_size=1, max_size=40),
    cut=st.tuples(st.integers(0, 40), st.integers(1, 8)),
    change=st.tuples(st.integers(0, 7), st.sampled_from(ALPHABET.replace(" ", ""))),
)
def test_a_word_found_is_in_the_text(text, cut, change):
    word = list(text[cut[0] : cut[0] + cut[1]].replace(" ", "") or "省")
    word[change[0] % len(word)] = change[1]  # a piece of the text, often no longer in it
    db = _index([text])
    if _found(db, "".join(word)):
        assert _squeezed("".join(word)) in _squeezed(text)
