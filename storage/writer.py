"""Writing to the database: sites, pages and reports, each report in one transaction.

``save_report`` is idempotent: the report id comes from the report itself (``storage.ids``),
its cells and findings are deleted and re-inserted inside one transaction, and a report whose
content hash is unchanged is only marked as checked (its text refreshed, re-indexed only when
it differs: the text is not part of the hash). A changed report is rewritten and the
change (old hash, new hash, what changed) goes to ``report_changes``.

When copies of one report disagree (a page and its PDF), the copy with more reported cells is
kept; every copy stays listed in ``report_sources`` with its own hash, and a ``sources_differ``
warning says so.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import sqlite_utils

from parsers import schema
from parsers.quality import ReadQuality, read_quality
from parsers.schema import Finding, Report
from storage.ids import content_hash, level_for, report_id_for
from storage.lookups import ensure_keys
from storage.schema import SITE_FIELDS
from storage.summaries import (
    add_region_figures,
    body_of,
    figures_of,
    group_of,
    refresh_bodies,
    refresh_region_figures,
)
from storage.versions import keep_text_version, keep_version
from storage.views import refresh_figures


class Site(Protocol):
    """A registry entry (``crawler.sites.Site``; storage does not import the crawler): a
    dataclass whose fields named in ``SITE_FIELDS`` are the ``sites`` columns."""

    id: str
    name: str
    start_url: str


SaveStatus = Literal["new", "changed", "unchanged"]
CELL_TABLES = ("active_disclosure", "applications", "review_litigation")
_MAX_CELL_DIFFS = 100


@dataclass(frozen=True)
class Source:
    """Where a report was found: a page URL, or an attachment (its URL and stored file)."""

    url: str
    kind: str = "page"  # page | attachment
    page_url: str | None = None  # the page an attachment was linked from
    file_path: str | None = None  # the attachment as stored (relative to FILES_STORE)
    raw_hash: str | None = None  # hash of the bytes as served


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# --- sites and pages ----------------------------------------------------------------------


def _site_row(site: Site | Mapping[str, Any]) -> dict[str, Any]:
    row = dict(site) if isinstance(site, Mapping) else asdict(site)
    return {k: row.get(k) for k in SITE_FIELDS if k in row}


def save_sites(
    db: sqlite_utils.Database, sites: Iterable[Site | Mapping[str, Any]], *, when: str | None = None
) -> None:
    """Upsert sites by id; ``first_seen`` is set once."""
    rows = [_site_row(s) for s in sites]
    if not rows:
        return
    when = when or now_iso()
    with db.atomic():
        db["sites"].insert_all([{**r, "first_seen": when} for r in rows], pk="id", ignore=True)
        db["sites"].upsert_all(rows, pk="id")


def record_site_crawls(
    db: sqlite_utils.Database,
    found: Mapping[str, tuple[int, int, str]],
    *,
    when: str | None = None,
) -> None:
    """After a crawl: each site's ``(pages, reports, last_status)`` (the status as the crawl
    judged it: ``ok``, ``no reports``, ``down``); a site unknown so far gets a row named by
    its id."""
    when = when or now_iso()
    rows = [
        {
            "id": site_id,
            "last_crawled": when,
            "last_pages": pages,
            "last_reports": reports,
            "last_status": status,
        }
        for site_id, (pages, reports, status) in found.items()
    ]
    with db.atomic():
        db["sites"].upsert_all(rows, pk="id")


def _ensure_site(db: sqlite_utils.Database, site: str | Site | Mapping[str, Any] | None) -> dict:
    """The site's row (created if unknown), or an empty dict for no site."""
    if site is None:
        return {}
    if not isinstance(site, str):
        save_sites(db, [site])
        site = _site_row(site)["id"]
    row = next(db.query("select * from sites where id = ?", [site]), None)
    if row is None:
        db["sites"].insert({"id": site, "name": site, "first_seen": now_iso()}, pk="id")
        return {"id": site}
    return row


def save_page(
    db: sqlite_utils.Database,
    page: Mapping[str, Any],
    *,
    findings: Sequence[Finding] | None = (),
    when: str | None = None,
) -> None:
    """Upsert one ``pages`` row (keyed by url) and replace the page's own findings.

    ``page`` holds the columns of ``pages`` (``file_urls`` may be a list). Page findings (no
    report: a ``parse_error``, which ``page["parse_error"]`` also gives, or a parser's
    ``not_a_report``) are stored with ``page_url`` and no ``report_id``; ``findings=None``
    keeps the stored ones (a page not parsed again). ``first_seen`` is set once;
    ``last_checked`` is ``when``.
    """
    when = when or now_iso()
    row = {k: v for k, v in page.items() if k in db["pages"].columns_dict}
    if isinstance(row.get("file_urls"), list | tuple):
        row["file_urls"] = json.dumps(list(row["file_urls"]), ensure_ascii=False)
    if isinstance(row.get("file_hashes"), dict):
        row["file_hashes"] = json.dumps(row["file_hashes"], ensure_ascii=False, sort_keys=True)
    if row.get("from_cache") is not None:
        row["from_cache"] = int(bool(row["from_cache"]))
    row["last_checked"] = when
    url = row["url"]
    all_findings = list(findings or ())
    if row.get("parse_error"):
        all_findings.insert(0, Finding("parse_error", "error", row["parse_error"]))
    with db.atomic():
        db["pages"].insert({"url": url, "first_seen": when}, pk="url", ignore=True)
        db["pages"].upsert(row, pk="url")
        if findings is None:
            return
        db.execute("delete from findings where page_url = ? and report_id is null", [url])
        ensure_keys(db, "rules", {f.rule for f in all_findings} - set(schema.RULES))
        if all_findings:
            db["findings"].insert_all(
                {
                    "report_id": None,
                    "page_url": url,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "keys": json.dumps(f.keys, ensure_ascii=False) if f.keys else None,
                }
                for f in all_findings
            )


def page_state(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    """What the last crawl stored for ``url``: content hash, parse error, and its reports.

    ``file_hashes`` maps each attachment URL of the page to its checksum; ``report_ids``
    lists the reports found there.
    """
    row = db.execute(
        "select content_hash, parse_error, classification, file_hashes from pages where url = ?",
        [url],
    ).fetchone()
    if row is None:
        return None
    sources = db.execute(
        "select report_id, url, raw_hash from report_sources where url = ? or page_url = ?",
        [url, url],
    ).fetchall()
    return {
        "content_hash": row[0],
        "parse_error": row[1],
        "classification": row[2],
        "file_hashes": json.loads(row[3]) if row[3] else {},
        "report_ids": sorted({s[0] for s in sources}),
    }


def unchanged_reports(
    db: sqlite_utils.Database,
    url: str,
    content_hash: str | None,
    file_hashes: Mapping[str | None, str | None],
) -> list[str]:
    """The reports stored from ``url`` when nothing about the page changed since the last
    crawl (its hash, its attachments' checksums; no parse error then): no need to parse it
    again. ``[]`` when it must be parsed."""
    state = page_state(db, url) if content_hash else None
    if (
        state is None
        or state["classification"] != "report"
        or state["content_hash"] != content_hash
        or state["parse_error"]
        or not state["report_ids"]
        or dict(file_hashes) != state["file_hashes"]
    ):
        return []
    return state["report_ids"]


def touch_reports(
    db: sqlite_utils.Database, report_ids: Sequence[str], *, when: str | None = None
) -> None:
    """Mark reports (and their sources) as checked now, without touching their content."""
    when = when or now_iso()
    with db.atomic():
        for rid in report_ids:
            db.execute("update reports set last_checked = ? where id = ?", [when, rid])
            db.execute(
                "update report_sources set last_checked = ? where report_id = ?", [when, rid]
            )


# --- reports ------------------------------------------------------------------------------


CELL_COLUMNS: dict[str, tuple[str, ...]] = {
    "active_disclosure": ("report_id", "item", "metric", "value", "raw", "unit"),
    "applications": ("report_id", "row", "applicant", "value", "raw"),
    "review_litigation": ("report_id", "proceeding", "outcome", "value", "raw"),
}
Rows = list[dict[str, Any]] | list[tuple[Any, ...]]  # tuples: in ``CELL_COLUMNS`` order


def _cell_rows(rid: str, report: Report) -> dict[str, list[tuple[Any, ...]]]:
    """The report's cells as rows of its three tables (``CELL_COLUMNS``)."""
    return {
        "active_disclosure": [
            (rid, c.item, c.metric, c.value, c.raw, c.unit) for c in report.active_disclosure
        ],
        "applications": [(rid, c.row, c.applicant, c.value, c.raw) for c in report.applications],
        "review_litigation": [
            (rid, c.proceeding, c.outcome, c.value, c.raw) for c in report.review_litigation
        ],
    }


def _ensure_lookups(db: sqlite_utils.Database, report: Report) -> None:
    """Keys a parser invented (not in ``parsers.schema``) get a lookup row so joins resolve."""
    checks = [
        ("items", {c.item for c in report.active_disclosure}, schema.ITEMS),
        ("metrics", {c.metric for c in report.active_disclosure}, schema.METRICS),
        (
            "application_rows",
            {c.row for c in report.applications},
            {**schema.APPLICATION_ROWS, **schema.PROSE_ROWS},
        ),
        ("applicants", {c.applicant for c in report.applications}, schema.APPLICANTS),
        (
            "proceedings",
            {c.proceeding for c in report.review_litigation},
            {**schema.PROCEEDINGS, **schema.PROSE_PROCEEDINGS},
        ),
        ("outcomes", {c.outcome for c in report.review_litigation}, schema.OUTCOMES),
        ("rules", {f.rule for f in report.findings}, schema.RULES),
    ]
    for table, keys, known in checks:
        ensure_keys(db, table, keys - set(known))


def quality_columns(report: Report, quality: ReadQuality | None = None) -> dict[str, Any]:
    """The read-quality figure (:mod:`parsers.quality`) as ``reports`` columns: ``quality``
    when the caller computed it (the validate pipeline does), else computed here."""
    quality = read_quality(report) if quality is None else quality
    return {
        "read_quality": quality.bucket,
        "read_share": quality.share,
        "checks_run": quality.checks_run,
        "checks_passed": quality.checks_passed,
    }


def reported_cells(report: Report) -> int:
    """How many cells carry a value (the measure of which copy of a report is better)."""
    return sum(v is not None for v in report.cell_map().values())


def group_copies(
    site: str, copies: Iterable[tuple[Report, Sequence[Source]]]
) -> list[tuple[Report, list[Source]]]:
    """Copies of reports (a page, its attachments) grouped by report id: per report the
    fullest copy (most reported cells; the first of equals) and every source, each URL once."""
    grouped: dict[str, tuple[Report, list[Source]]] = {}
    for report, sources in copies:
        rid = report_id_for(site, report)
        found = grouped.get(rid)
        if found is None:
            grouped[rid] = (report, list(sources))
        elif reported_cells(report) > reported_cells(found[0]):
            grouped[rid] = (report, [*sources, *found[1]])
        else:
            found[1].extend(sources)
    return [(report, _unique_sources(sources)) for report, sources in grouped.values()]


def _unique_sources(sources: list[Source]) -> list[Source]:
    """The sources in order, each URL once."""
    seen: set[str] = set()
    unique = []
    for source in sources:
        if source.url not in seen:
            seen.add(source.url)
            unique.append(source)
    return unique


def _stored_cells(db: sqlite_utils.Database, rid: str) -> dict[tuple[str, str, str], Any]:
    keys = {
        "active_disclosure": ("item", "metric"),
        "applications": ("row", "applicant"),
        "review_litigation": ("proceeding", "outcome"),
    }
    out: dict[tuple[str, str, str], Any] = {}
    for table, (k1, k2) in keys.items():
        for a, b, value in db.execute(
            f"select [{k1}], [{k2}], value from [{table}] where report_id = ?", [rid]
        ):
            out[(table, a, b)] = value
    return out


_FIELDS = schema.REPORT_METADATA


def describe_change(
    old_fields: Mapping[str, Any], old_cells: Mapping[tuple[str, str, str], Any], report: Report
) -> tuple[str, dict[str, Any]]:
    """A one-line summary and the detail (fields and cells, old → new) of a report's change."""
    fields = {
        f: [old_fields.get(f), getattr(report, f)]
        for f in _FIELDS
        if old_fields.get(f) != getattr(report, f)
    }
    new_cells = report.cell_map()
    changed = [k for k in new_cells if k in old_cells and old_cells[k] != new_cells[k]]
    added = [k for k in new_cells if k not in old_cells]
    removed = [k for k in old_cells if k not in new_cells]
    cells = [
        {"cell": ".".join(k), "old": old_cells.get(k), "new": new_cells.get(k)}
        for k in (changed + added + removed)[:_MAX_CELL_DIFFS]
    ]
    parts = list(fields)
    if changed:
        shown = ", ".join(f"{'.'.join(k)} {old_cells[k]}→{new_cells[k]}" for k in changed[:5])
        parts.append(f"{len(changed)} cells changed ({shown}{', …' if len(changed) > 5 else ''})")
    if added:
        parts.append(f"{len(added)} cells added")
    if removed:
        parts.append(f"{len(removed)} cells removed")
    summary = "; ".join(parts) or "raw cell text, units or findings"
    detail = {
        "fields": fields,
        "cells_changed": len(changed),
        "cells_added": len(added),
        "cells_removed": len(removed),
        "cells": cells,
    }
    return summary, detail


@functools.cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return "insert into [{}] ({}) values ({})".format(
        table, ", ".join(f"[{c}]" for c in columns), ", ".join("?" * len(columns))
    )


def _insert_rows(db: sqlite_utils.Database, table: str, rows: Rows) -> None:
    """Insert one report's cells (tuples, ``CELL_COLUMNS``), findings or row (dicts) with a
    single prepared statement.

    ``insert_all`` spends longer building its SQL than SQLite spends writing ~200 small rows,
    which alone halved the store rate (``bench/store.py``); the table itself is sqlite-utils'.
    """
    first = rows[0]
    if isinstance(first, dict):
        db.conn.executemany(_insert_sql(table, tuple(first)), [tuple(r.values()) for r in rows])
    else:
        db.conn.executemany(_insert_sql(table, CELL_COLUMNS[table]), rows)


def _upsert_rows(
    db: sqlite_utils.Database,
    table: str,
    rows: list[dict[str, Any]],
    pk: tuple[str, ...],
    on_insert: dict[str, Any],
) -> None:
    """Upsert rows on ``pk`` in one statement; ``on_insert`` columns (first_seen) only on insert.

    The same ``INSERT … ON CONFLICT DO UPDATE`` that ``upsert_all`` issues, without its
    per-call schema introspection, which cost more than the write on this hot path.
    """
    columns = [*rows[0], *on_insert]
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in rows[0] if c not in pk)
    sql = "insert into [{}] ({}) values ({}) on conflict ({}) do update set {}".format(
        table,
        ", ".join(f"[{c}]" for c in columns),
        ", ".join("?" * len(columns)),
        ", ".join(f"[{c}]" for c in pk),
        updates,
    )
    db.conn.executemany(sql, [(*r.values(), *on_insert.values()) for r in rows])


def _write_report(
    db: sqlite_utils.Database, rid: str, report: Report, row: dict[str, Any], *, new: bool
) -> None:
    """Upsert the report row, then replace its cells and findings (caller holds the transaction)."""
    if new:
        _insert_rows(db, "reports", [row])
    else:
        db["reports"].update(rid, row)
    for table in CELL_TABLES:
        db.execute(f"delete from [{table}] where report_id = ?", [rid])
    db.execute("delete from findings where report_id = ?", [rid])
    _ensure_lookups(db, report)
    for table, rows in _cell_rows(rid, report).items():
        if rows:
            _insert_rows(db, table, rows)
    if report.findings:
        _insert_rows(
            db,
            "findings",
            [
                {
                    "report_id": rid,
                    "page_url": None,
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "keys": json.dumps(f.keys, ensure_ascii=False) if f.keys else None,
                }
                for f in report.findings
            ],
        )


def _save_sources(
    db: sqlite_utils.Database, rid: str, sources: Sequence[Source], chash: str, when: str
) -> None:
    """Upsert the report's sources, refresh its attachment list and ``sources_differ``."""
    rows = [
        {
            "report_id": rid,
            "url": s.url,
            "kind": s.kind,
            "page_url": s.page_url,
            "file_path": s.file_path,
            "raw_hash": s.raw_hash,
            "content_hash": chash,
            "last_checked": when,
        }
        for s in sources
    ]
    if rows:
        _upsert_rows(db, "report_sources", rows, ("report_id", "url"), {"first_seen": when})
    files = [
        r[0]
        for r in db.execute(
            "select file_path from report_sources where report_id = ? and file_path is not null"
            " order by url",
            [rid],
        )
    ]
    attachments = json.dumps(files, ensure_ascii=False) if files else None
    db.execute(
        "update reports set attachments = ? where id = ? and attachments is not ?",
        [attachments, rid, attachments],
    )
    db.execute("delete from findings where report_id = ? and rule = 'sources_differ'", [rid])
    differing = db.execute(
        "select url from report_sources where report_id = ? and content_hash is not"
        " (select content_hash from reports where id = ?) order by url",
        [rid, rid],
    ).fetchall()
    if differing:
        urls = [u[0] for u in differing]
        db["findings"].insert(
            {
                "report_id": rid,
                "page_url": None,
                "rule": "sources_differ",
                "severity": "warning",
                "message": "这些来源的内容与保存的版本不同 (copies differ from the stored one): "
                + ", ".join(urls),
                "keys": None,
            }
        )


def save_report(
    db: sqlite_utils.Database,
    report: Report,
    *,
    site: str | Site | Mapping[str, Any] | None = None,
    sources: Sequence[Source | str] = (),
    checked_at: str | None = None,
    quality: ReadQuality | None = None,
) -> SaveStatus:
    """Store one report (in one transaction) and say whether it was new, changed or unchanged.

    ``site`` is a site id (or a ``Site``, upserted first); ``sources`` the URLs/files it was
    found at (default: ``report.url``), the first being where this copy was read. The report's
    region columns come from the site, its ``level`` from its agency (``storage.ids.level_for``).
    ``quality`` is the report's ``parsers.quality.read_quality`` when already computed (the
    validate pipeline computes it off the writer); without it the checks run here.
    """
    when = checked_at or now_iso()
    srcs = [Source(s) if isinstance(s, str) else s for s in sources]
    if not srcs and report.url:
        srcs = [Source(report.url)]
    with db.atomic():
        site_row = _ensure_site(db, site)
        site_id = site_row.get("id")
        rid = report_id_for(site_id, report)
        chash = content_hash(report)
        primary = srcs[0].url if srcs else report.url
        existing = db.execute(
            "select content_hash, source_url, cells, "
            + ", ".join(_FIELDS)
            + " from reports where id = ?",
            [rid],
        ).fetchone()
        old_group = group_of(db, rid) if existing is not None else None
        old_body = body_of(db, rid) if existing is not None else None
        row = {
            "id": rid,
            "url": report.url or primary,
            "title": report.title,
            "agency": report.agency,
            "year": report.year,
            "template": report.template,
            "published": report.published,
            "site": site_id,
            "province": site_row.get("province"),
            "city": site_row.get("city"),
            "county": site_row.get("county"),
            "level": level_for(report.agency, site_row.get("level")),
            "index_no": report.index_no,
            "publisher": report.publisher,
            "source_url": primary,
            "cells": reported_cells(report),
            **quality_columns(report, quality),
            "text": report.text,
            "content_hash": chash,
            "last_checked": when,
            "last_changed": when,
        }
        if existing is None:
            status: SaveStatus = "new"
            _write_report(db, rid, report, {**row, "first_seen": when}, new=True)
        elif existing[0] == chash:
            status = "unchanged"
            db.execute("update reports set last_checked = ? where id = ?", [when, rid])
            if existing[1] in {s.url for s in srcs}:  # same copy: keep its text current
                keep_text_version(db, rid, report.text, when, primary)  # its prose edited
                db.execute(
                    "update reports set text = ? where id = ? and text is not ?",
                    [report.text, rid, report.text],
                )
        else:
            old_hash, old_source, old_cells = existing[0], existing[1], existing[2] or 0
            from_same_source = old_source in {s.url for s in srcs}
            if from_same_source or row["cells"] > old_cells:
                status = "changed"
                old_fields = dict(zip(_FIELDS, existing[3:], strict=True))
                summary, detail = describe_change(old_fields, _stored_cells(db, rid), report)
                keep_version(db, rid, when)  # the old cells and text, for side by side
                _write_report(db, rid, report, row, new=False)
                db["report_changes"].insert(
                    {
                        "report_id": rid,
                        "changed_at": when,
                        "old_hash": old_hash,
                        "new_hash": chash,
                        "source_url": primary,
                        "reason": "changed at its source"
                        if from_same_source
                        else "a fuller copy was found at another source",
                        "summary": summary,
                        "what_changed": json.dumps(detail, ensure_ascii=False),
                    }
                )
            else:  # a poorer copy of a stored report: keep the stored one, list the source
                status = "unchanged"
                db.execute("update reports set last_checked = ? where id = ?", [when, rid])
        figures = figures_of(db, rid) if status == "unchanged" else None
        _save_sources(db, rid, srcs, chash, when)
        refresh_figures(db, [rid])
        if status == "new":
            add_region_figures(db, rid)
        elif status == "changed":
            refresh_region_figures(db, [old_group, group_of(db, rid)])
        elif figures_of(db, rid) != figures:  # a sources_differ warning came or went
            refresh_region_figures(db, [group_of(db, rid)])
        if status != "unchanged":
            refresh_bodies(db, [old_body, body_of(db, rid)])
    return status
