"""Row counts of a published database, counted once at publish time, for Datasette.

Datasette counts a table's rows on every view of its table page (``select count(*)``, up to
``sql_time_limit_ms``) and, for the index page of an immutable file, hashes the whole file.
At a million reports the cell tables hold ~200 million rows and the file ~50 GB: each view
of ``applications`` would spend the full time limit counting, and the first index page would
read 50 GB. Datasette's answer is its *inspect data* (``datasette inspect``, ``--inspect-file``):
counts and a hash computed once for a file that does not change. :func:`write_counts` writes
it beside the database when it is published (``PATH.counts.json``), with the file's size and
modification time; :func:`read_counts` gives it to ``nianbao serve`` only while they still
match, so a file written again after publishing is counted live as before. The ``hash`` is a
fingerprint of the file (size, modification time, counts, first and last 64 KiB), not a
sha256 of all its bytes: Datasette uses it as an ETag and a label, for which that suffices.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

_EDGE = 64 * 1024


def counts_path(path: Path) -> Path:
    """Where the counts of the database ``path`` are kept: ``PATH.counts.json``."""
    return path.with_name(path.name + ".counts.json")


def _fingerprint(path: Path, stat: os.stat_result, tables: dict[str, Any]) -> str:
    digest = hashlib.sha256(
        json.dumps([stat.st_size, stat.st_mtime_ns, tables], sort_keys=True).encode()
    )
    with path.open("rb") as f:
        digest.update(f.read(_EDGE))
        f.seek(max(stat.st_size - _EDGE, 0))
        digest.update(f.read(_EDGE))
    return digest.hexdigest()


def write_counts(path: Path) -> Path:
    """Count the rows of every table of the (sealed) database ``path``; write them beside it
    in Datasette's inspect format; returns the file written."""
    stat = path.stat()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        names = [n for (n,) in conn.execute("select name from sqlite_master where type='table'")]
        tables = {
            name: {"count": conn.execute(f"select count(*) from [{name}]").fetchone()[0]}
            for name in names
        }
    finally:
        conn.close()
    data = {
        "hash": _fingerprint(path, stat, tables),
        "size": stat.st_size,
        "file": str(path),
        "mtime_ns": stat.st_mtime_ns,
        "tables": tables,
    }
    target = counts_path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def read_counts(path: Path) -> dict[str, Any] | None:
    """The counts written for ``path`` while it is still the file they were counted in (same
    size and modification time), else None."""
    try:
        data = json.loads(counts_path(path).read_text(encoding="utf-8"))
        stat = path.stat()
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        return None
    if data.get("size") != stat.st_size or data.get("mtime_ns") != stat.st_mtime_ns:
        return None
    return data
