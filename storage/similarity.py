"""内容雷同: reports whose prose is (nearly) the same text, across bodies and across years.

Only the prose counts (总体情况, 存在的主要问题及改进情况, …), not the tables: every report
prints the same table labels. The prose is the report text without table lines (lines with a
tab), short lines (headings, dates, page furniture) and digits (a text copied from last year
with new figures is still a copy). Texts are compared as sets of character 5-grams with
MinHash (the 5-grams hashed with numpy in one pass) and found in candidate pairs by MinHash
LSH (``datasketch``); each pair's similarity is
the estimated Jaccard similarity of their 5-grams. ``refresh_similarity`` rebuilds the table
``text_similarity`` (one row per pair at or above ``THRESHOLD``).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import sqlite_utils
from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.6  # pairs below this estimated Jaccard similarity are not stored
NUM_PERM = 128
SHINGLE = 5
MIN_PROSE = 80  # characters: a shorter prose (「正文从略」) is no evidence of copying
_MIN_LINE = 12
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def prose(text: str | None) -> str:
    """The prose of a report text: no table lines, no short lines, digits and spaces removed."""
    lines = []
    for line in (text or "").splitlines():
        if "\t" in line:
            continue
        line = _SPACE.sub("", unicodedata.normalize("NFKC", line))
        line = _DIGITS.sub("0", line)
        if len(line) >= _MIN_LINE:
            lines.append(line)
    return "".join(lines)


_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=13).permutations  # made once, not per report
_MIX = np.uint64(0x100000001B3)  # FNV prime: the rolling hash of a 5-gram's code points


def gram_hashes(prose_text: str) -> np.ndarray:
    """32-bit hashes of the text's character 5-grams, computed with numpy at once (hashing each
    5-gram in Python cost 80 % of the time); repeats are kept: they change no minimum."""
    codes = np.frombuffer(prose_text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - SHINGLE + 1
    if n < 1:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(SHINGLE):
        h = h * _MIX + codes[k : k + n]  # wraps modulo 2**64, as meant
    return (h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))


def signature(prose_text: str) -> MinHash:
    """The MinHash of the text's character 5-grams."""
    mh = MinHash(
        num_perm=NUM_PERM, seed=13, hashfunc=int, permutations=_PERMUTATIONS, scheme="affine32"
    )
    mh.update_batch(gram_hashes(prose_text).tolist())
    return mh


RELATIONS = {
    "same_body_next_year": "同一机关，沿用上一年的文本 (same body, previous year's text)",
    "same_body": "同一机关，其他年份 (same body, another year)",
    "other_body_same_year": "不同机关，同一年 (other bodies, same year)",
    "other_body": "不同机关，不同年份 (other bodies, other years)",
}

SIMILARITY_COLUMNS = {
    "report_id": str, "other_report_id": str, "similarity": float, "relation": str,
    "year": int, "other_year": int, "body_id": str, "other_body_id": str,
    "name": str, "other_name": str, "level": str, "province": str, "city": str,
    "county": str, "prose_chars": int, "other_prose_chars": int,
}  # fmt: skip


def _relation(a: dict, b: dict) -> str:
    if a["body_id"] and a["body_id"] == b["body_id"]:
        if a["year"] is not None and b["year"] is not None and a["year"] - b["year"] == 1:
            return "same_body_next_year"
        return "same_body"
    return "other_body_same_year" if a["year"] == b["year"] else "other_body"


def refresh_similarity(db: sqlite_utils.Database, threshold: float = THRESHOLD) -> int:
    """Rebuild ``text_similarity`` from the reports' texts; returns the pairs stored.

    ``report_id`` is the later report of a pair (by year, then id), ``other_report_id`` the
    earlier: "report_id copies other_report_id".
    """
    has_bodies = "report_bodies" in db.table_names()
    body_join = "left join report_bodies b on b.report_id = r.id" if has_bodies else ""
    body_col = "b.body_id" if has_bodies else "null"
    info: dict[str, dict] = {}
    signatures: dict[str, MinHash] = {}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sql = f"""select r.id, r.text, r.year, {body_col}, coalesce(r.agency, r.title), r.level,
        r.province, r.city, r.county from reports r {body_join}"""
    for rid, text, year, body_id, name, level, prov, city, county in db.execute(sql):
        body = prose(text)
        if len(body) < MIN_PROSE:
            continue
        sig = signature(body)
        info[rid] = {
            "year": year, "body_id": body_id, "name": name, "level": level,
            "province": prov, "city": city, "county": county, "chars": len(body),
        }  # fmt: skip
        signatures[rid] = sig
        lsh.insert(rid, sig)
    pairs = []
    for rid, sig in signatures.items():
        for other in lsh.query(sig):
            if other == rid:
                continue
            a, b = info[rid], info[other]
            if ((a["year"] or 0), rid) < ((b["year"] or 0), other):
                continue  # each pair once, the later report first
            similarity = round(sig.jaccard(signatures[other]), 3)
            if similarity < threshold:
                continue
            pairs.append(
                {
                    "report_id": rid,
                    "other_report_id": other,
                    "similarity": similarity,
                    "relation": _relation(a, b),
                    "year": a["year"],
                    "other_year": b["year"],
                    "body_id": a["body_id"],
                    "other_body_id": b["body_id"],
                    "name": a["name"],
                    "other_name": b["name"],
                    "level": a["level"],
                    "province": a["province"],
                    "city": a["city"],
                    "county": a["county"],
                    "prose_chars": a["chars"],
                    "other_prose_chars": b["chars"],
                }
            )
    with db.atomic():
        db.execute("drop table if exists text_similarity")
        db["text_similarity"].create(
            SIMILARITY_COLUMNS,
            pk=("report_id", "other_report_id"),
            foreign_keys=[("report_id", "reports", "id"), ("other_report_id", "reports", "id")],
        )
        db["text_similarity"].insert_all(pairs)
        db["text_similarity"].create_index(["relation", "similarity"])
        db["text_similarity"].create_index(["other_report_id"])
    return len(pairs)
