"""Publishing a database file atomically: working copy, checks, swap, previous versions kept.

The published database is never written in place. A run copies it (SQLite's backup API, so a
reader or a half-finished writer never yields a torn copy), writes into the copy, checks it
(``PRAGMA integrity_check``), folds its write-ahead log back into the file and switches it to
the rollback journal (one self-contained file, as Datasette's immutable mode expects), then
renames it over the published path with :func:`os.replace` on the same filesystem. A reader
that opened the old file keeps reading the old inode; a reader opening the path afterwards gets
the new file; nobody ever sees a half-written one. The replaced file stays available as
``PATH.previous`` plus up to ``keep`` dated copies ``PATH.<YYYYmmddTHHMMSSZ>`` (hard links,
so keeping them costs no copy).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from nianbao.tablecounts import write_counts

DATED_SUFFIX = re.compile(r"^\.\d{8}T\d{6}Z$")
# Rows ANALYZE reads per index of the tables it samples: the cell tables (~200 rows per report,
# only ever read by report id) and the full-text index's own tables. Every other table is read
# whole: a sampled estimate (1,001 reports per level at a million) made the planner scan the
# wide rows of ``reports`` instead of a covering index (body_trend 13 → 180 ms at 100,000).
ANALYSIS_LIMIT = 1000
SAMPLED = ("active_disclosure", "applications", "review_litigation")
_SAMPLED_PREFIX = "reports_fts"


class PublishError(RuntimeError):
    """The working copy cannot be published (it failed its checks); nothing was replaced."""


def copy_database(source: Path, target: Path) -> None:
    """Copy the SQLite database ``source`` to ``target`` with the backup API (consistent copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for path in (target, *sidecars(target)):
        path.unlink(missing_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def sidecars(path: Path) -> tuple[Path, Path, Path]:
    """SQLite's files beside a database: the WAL, its shared-memory index, the rollback journal."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` reports for ``path`` (empty when the file is sound)."""
    if not path.exists():
        return [f"{path} does not exist"]
    try:
        conn = sqlite3.connect(path)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [f"{path}: {exc}"]
    return [] if rows == ["ok"] else rows


def analyze(conn: sqlite3.Connection) -> None:
    """The query planner's statistics: ``ANALYZE`` of every table, sampled (``analysis_limit``)
    on the ones too big to read whole in seconds (``SAMPLED``, the full-text index)."""
    tables = [
        r[0]
        for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        )
    ]
    sampled = [t for t in tables if t in SAMPLED or t.startswith(_SAMPLED_PREFIX)]
    conn.execute("PRAGMA analysis_limit = 0")
    for table in (t for t in tables if t not in sampled):
        conn.execute(f"ANALYZE [{table}]")
    conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
    for table in sampled:
        conn.execute(f"ANALYZE [{table}]")


def seal(path: Path) -> None:
    """Store the query planner's statistics (:func:`analyze`: the plans the published queries
    were measured with), checkpoint the WAL into ``path``, switch it to the rollback journal
    and fsync it."""
    conn = sqlite3.connect(path)
    try:
        analyze(conn)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
    _fsync(path)


def publish(working: Path, published: Path, *, keep: int = 3) -> Path:
    """Check and seal ``working``, then swap it in as ``published``; returns the published path.

    Raises :class:`PublishError` (and leaves ``published`` untouched) when the check fails.
    """
    problems = integrity_problems(working)
    if problems:
        raise PublishError("integrity check failed: " + "; ".join(problems[:5]))
    seal(working)
    published.parent.mkdir(parents=True, exist_ok=True)
    staged = _stage(working, published)
    if published.exists():
        keep_previous(published, keep=keep)
    os.replace(staged, published)
    _fsync_dir(published.parent)
    write_counts(published)  # for Datasette: no count(*) of 200 million rows per page view
    return published


def keep_previous(published: Path, *, keep: int) -> Path:
    """Keep the current ``published`` file as ``PATH.previous`` and a dated copy (``keep`` kept)."""
    stamp = datetime.fromtimestamp(published.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%SZ")
    previous = published.with_name(published.name + ".previous")
    _link_or_copy(published, previous)
    if keep > 0:
        _link_or_copy(published, published.with_name(f"{published.name}.{stamp}"))
    for old in dated_copies(published)[keep:]:
        old.unlink(missing_ok=True)
    return previous


def dated_copies(published: Path) -> list[Path]:
    """The dated previous versions of ``published``, newest first."""
    prefix = published.name
    found = [
        p for p in published.parent.glob(f"{prefix}.*") if DATED_SUFFIX.match(p.name[len(prefix) :])
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _stage(working: Path, published: Path) -> Path:
    """The file to rename over ``published``: ``working`` itself when on the same filesystem."""
    if working.parent.stat().st_dev == published.parent.stat().st_dev:
        try:  # a hard link proves a rename works too (bind mounts share st_dev)
            probe = published.with_name(f".{published.name}.probe")
            probe.unlink(missing_ok=True)
            os.link(working, probe)
            probe.unlink()
            return working
        except OSError:
            pass
    staged = published.with_name(f".{published.name}.incoming")
    shutil.copyfile(working, staged)
    _fsync(staged)
    return staged


def _link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` a hard link to ``source`` (else a copy), atomically."""
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be fsynced
        _fsync(path)
