"""内容雷同: reports whose prose is (nearly) the same text, across bodies and across years.

Only the prose counts (总体情况, 存在的主要问题及改进情况, …), not the tables: every report
prints the same table labels. The prose is the report text without table lines (lines with a
tab), short lines (headings, dates, page furniture) and digits (a text copied from last year
with new figures is still a copy). Texts are compared as sets of character 5-grams with
MinHash (the 5-grams hashed with numpy in one pass) and found in candidate pairs by MinHash
LSH (``datasketch``); each pair's similarity is
the estimated Jaccard similarity of their 5-grams. ``refresh_similarity`` rebuilds the table
``text_similarity`` (one row per pair at or above ``THRESHOLD``). The signatures are kept in
``prose_signatures`` under a hash of the text: a rebuild computes only those of new or edited
texts (computing them is most of the time).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata

import numpy as np
import sqlite_utils
from datasketch import LeanMinHash, MinHash, MinHashLSH

THRESHOLD = 0.6  # pairs below this estimated Jaccard similarity are not stored
NUM_PERM = 128
SHINGLE = 5
SIGNATURE_TABLE = "prose_signatures"
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


SIGNATURE_COLUMNS = {"report_id": str, "text_hash": str, "chars": int, "signature": bytes}


def _text_hash(text: str | None) -> str:
    return hashlib.blake2b((text or "").encode("utf-8"), digest_size=12).hexdigest()


Signatures = dict[str, tuple[LeanMinHash, int]]


def update_signatures(db: sqlite_utils.Database) -> tuple[Signatures, int]:
    """Report id → (MinHash of its prose, prose characters) for prose of ``MIN_PROSE``+, and
    how many texts needed a new signature.

    Brings ``prose_signatures`` up to date: a signature is computed only for a text not seen
    before (new report, edited text); rows of deleted reports go.
    """
    table = db[SIGNATURE_TABLE]
    if not table.exists():
        table.create(SIGNATURE_COLUMNS, pk="report_id")
    cached = {
        rid: (text_hash, chars, blob)
        for rid, text_hash, chars, blob in db.execute(
            f"select report_id, text_hash, chars, signature from [{SIGNATURE_TABLE}]"
        )
    }
    result: Signatures = {}
    fresh = []
    for rid, text in db.execute("select id, text from reports"):
        text_hash = _text_hash(text)
        hit = cached.pop(rid, None)
        if hit is not None and hit[0] == text_hash:
            chars, blob = hit[1], hit[2]
        else:
            body = prose(text)
            chars = len(body)
            blob = signature(body).hashvalues.tobytes() if chars >= MIN_PROSE else None
            row = {"report_id": rid, "text_hash": text_hash, "chars": chars, "signature": blob}
            fresh.append(row)
        if blob is not None:
            values = np.frombuffer(blob, dtype=np.uint32)
            result[rid] = (LeanMinHash(seed=13, hashvalues=values, scheme="affine32"), chars)
    with db.atomic():
        if fresh:
            table.upsert_all(fresh, pk="report_id")
        if cached:  # reports no longer stored
            gone = "select value from json_each(?)"
            db.execute(
                f"delete from [{SIGNATURE_TABLE}] where report_id in ({gone})",
                [json.dumps(list(cached))],
            )
    return result, len(fresh)


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
    signatures, _ = update_signatures(db)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    sql = f"""select r.id, r.year, {body_col}, coalesce(r.agency, r.title), r.level,
        r.province, r.city, r.county from reports r {body_join}"""
    for rid, year, body_id, name, level, prov, city, county in db.execute(sql):
        if rid not in signatures:
            continue
        sig, chars = signatures[rid]
        info[rid] = {
            "year": year, "body_id": body_id, "name": name, "level": level,
            "province": prov, "city": city, "county": county, "chars": chars,
        }  # fmt: skip
        lsh.insert(rid, sig)
    pairs = []
    for rid in info:
        sig = signatures[rid][0]
        for other in lsh.query(sig):
            if other == rid:
                continue
            a, b = info[rid], info[other]
            if ((a["year"] or 0), rid) < ((b["year"] or 0), other):
                continue  # each pair once, the later report first
            similarity = round(sig.jaccard(signatures[other][0]), 3)
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
