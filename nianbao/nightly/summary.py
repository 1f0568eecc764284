"""What a nightly run found: per-site status, the run summary, its history tables, its exit status.

Input: the outcome files the crawl process writes (one per crawl part: a run resumed after an
interruption has several), see :mod:`nianbao.nightly.crawl`. Output: a :class:`RunSummary` (the
text printed and logged), rows of the tables ``nightly_runs`` and ``site_runs`` in the database,
and the exit status of ``nianbao nightly``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.outcomes import SITE_COUNTS, SiteOutcome, judge_sites
from crawler.sites import Site
from crawler.stats import STORE_OUTCOMES
from storage import record_nightly_run

# Exit statuses of `nianbao nightly` (documented in deploy/README.md).
EXIT_OK = 0
EXIT_BAD_INPUT = 2  # bad arguments or an unreadable sites file (also argparse's status)
EXIT_SITES_FAILING = 3  # published; some site failed N nights in a row
EXIT_PARSE_FAILURES = 4  # published; too many reports failed to parse, or some to be stored
EXIT_CRAWL_FAILED = 5  # nothing published: crawl stopped early, every site failed, bad database
EXIT_BUSY = 6  # another nightly run holds the lock of this workdir
EXIT_REDIS = 7  # --redis: the Redis server cannot be reached (at the start, or lost mid-run)
EXIT_MEANINGS = {
    EXIT_OK: "published, nothing needs a person",
    EXIT_BAD_INPUT: "bad arguments or sites file",
    EXIT_SITES_FAILING: "published, but a site failed N nights in a row",
    EXIT_PARSE_FAILURES: "published, but too many reports failed to parse, or some to be stored",
    EXIT_CRAWL_FAILED: "not published: the crawl stopped early, every site failed, or bad db",
    EXIT_BUSY: "another nightly run is in progress",
    EXIT_REDIS: "not published: the Redis of --redis cannot be reached",
}


@dataclass
class RunSummary:
    """The readable result of one nightly run."""

    run_id: str
    started: str
    finished: str | None = None
    attempts: int = 1
    sites: list[SiteOutcome] = field(default_factory=list)
    reports: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STORE_OUTCOMES, 0))
    findings: dict[str, int] = field(default_factory=dict)  # read this run (parsed pages)
    findings_stored: dict[str, int] | None = None  # in the published database, per rule
    stats: dict[str, Any] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    published: bool = False
    exit_code: int = EXIT_OK
    crawl_run_ids: list[int] = field(default_factory=list)  # its rows in crawl_runs

    def _findings_line(self) -> str:
        """Findings in the database (the true count: unchanged pages are not parsed again),
        then those read from the pages parsed in this run."""
        run = _counts(self.findings)
        if self.findings_stored is None:  # not recorded (the run was not published)
            return f"findings: {run} read this run"
        return f"findings: {_counts(self.findings_stored)} in the database; {run} read this run"

    @property
    def sites_failed(self) -> list[SiteOutcome]:
        return [s for s in self.sites if s.failed]

    @property
    def parse_failure_rate(self) -> float:
        total = sum(self.reports.values())
        return self.reports["failed"] / total if total else 0.0

    def text(self) -> str:
        """The summary printed at the end of the run and appended to its log."""
        r = self.reports
        lines = [
            f"nightly run {self.run_id} (started {self.started}, attempt {self.attempts})",
            f"sites: {len(self.sites) - len(self.sites_failed)} ok, "
            f"{len(self.sites_failed)} failed",
        ]
        lines += [
            f"  FAILED {s.site_id} ({s.name}): {s.status}: {s.reason}" for s in self.sites_failed
        ]
        lines.append(
            f"reports: {r['new']} new, {r['changed']} changed, {r['unchanged']} unchanged, "
            f"{r['failed']} failed to parse ({self.parse_failure_rate:.0%})"
        )
        st = self.stats
        lines.append(
            f"requests: {st.get('downloader/request_count', 0)} sent; HTTP cache: "
            f"{st.get('httpcache/revalidate', 0)} revalidated (304, or kept on a 5xx), "
            f"{st.get('httpcache/hit', 0)} fresh, "
            f"{st.get('httpcache/errorrecovery', 0)} kept on a network error; "
            f"pages: {sum(s.pages for s in self.sites)}; "
            f"errors logged: {st.get('log_count/ERROR', 0)}"
        )
        lines.append(self._findings_line())
        lines.append("published: " + ("yes" if self.published else "no"))
        lines += [f"ALERT: {a}" for a in self.alerts]
        lines.append(f"exit status {self.exit_code}: {EXIT_MEANINGS.get(self.exit_code, '?')}")
        return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return f"{sum(counts.values())}" + (f" ({detail})" if detail else "")


def stored_findings(db: sqlite_utils.Database) -> dict[str, int]:
    """Findings per rule in the database (every report's, not only this run's)."""
    return dict(db.execute("select rule, count(*) from findings group by rule").fetchall())


def read_parts(paths: Iterable[Path]) -> tuple[list[dict[str, Any]], list[str]]:
    """The outcome files of a run's crawl parts, and why any of them could not be read."""
    parts, unreadable = [], []
    for path in sorted(paths):
        try:
            parts.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            unreadable.append(f"crawl outcomes {path.name} unreadable ({exc}): its counts are lost")
    return parts, unreadable


def write_part(path: Path, part: dict[str, Any]) -> None:
    """Write one crawl part's outcome file (``sites`` counts, ``stats``), atomically."""
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(part, ensure_ascii=False, indent=1, default=_jsonable)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)


def merge_parts(
    parts: list[dict[str, Any]], sites: list[Site]
) -> tuple[list[SiteOutcome], dict[str, Any]]:
    """Per-site outcomes and numeric stats summed over the crawl parts of a run: each site is
    judged on the sums by the crawl's own rule (``SiteOutcome.judge``)."""
    counts = {s.id: dict.fromkeys(SITE_COUNTS, 0) for s in sites}
    stats: dict[str, Any] = {}
    for part in parts:
        for site_id, part_counts in (part.get("sites") or {}).items():
            if site_id in counts:
                for key in SITE_COUNTS:
                    counts[site_id][key] += int(part_counts.get(key) or 0)
        for key, value in (part.get("stats") or {}).items():
            before = stats.get(key, 0)
            if _number(value) and _number(before):
                stats[key] = before + value
            else:
                stats[key] = value
    outcomes = judge_sites(stats, list(counts), counts)
    for site in sites:
        outcomes[site.id].name = site.name
    return list(outcomes.values()), stats


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def failing_streaks(
    db: sqlite_utils.Database, sites: list[SiteOutcome], nights: int
) -> dict[str, int]:
    """Sites failed in each of their last ``nights`` runs (this one included, already stored)."""
    if "site_runs" not in db.table_names():
        return {}
    streaks = {}
    for site in sites:
        if not site.failed:
            continue
        rows = db.execute(
            "select status from site_runs where site_id = ?"
            " order by started desc, run_id desc limit ?",
            [site.site_id, nights],
        ).fetchall()
        if len(rows) >= nights and all(row[0] != "ok" for row in rows):
            streaks[site.site_id] = len(rows)
    return streaks


def store_run(db: sqlite_utils.Database, summary: RunSummary) -> None:
    """Write the run into ``site_runs`` (one row per site and run) and ``nightly_runs``."""
    record_nightly_run(
        db,
        {
            "run_id": summary.run_id,
            "started": summary.started,
            "finished": summary.finished,
            "attempts": summary.attempts,
            "exit_code": summary.exit_code,
            "sites_ok": len(summary.sites) - len(summary.sites_failed),
            "sites_failed": len(summary.sites_failed),
            **{f"reports_{k}": v for k, v in summary.reports.items()},
            "parse_failure_rate": round(summary.parse_failure_rate, 4),
            "findings": sum(summary.findings.values()),
            "findings_stored": None
            if summary.findings_stored is None
            else sum(summary.findings_stored.values()),
            "crawl_runs": json.dumps(summary.crawl_run_ids),
            "alerts": "\n".join(summary.alerts) or None,
            "summary": summary.text(),
        },
        [asdict(site) for site in summary.sites],
    )
