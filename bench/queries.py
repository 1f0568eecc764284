"""Benchmark the published queries on a synthetic database of 50,000 reports.

Builds the database with storage's schema (``storage.open_db``) and bulk inserts (about 11
million cells per 50,000 reports; no journal: a new file), stores every report's figures and
the totals per year and region (``storage.refresh_figures``, ``refresh_region_figures``, as
``save_report`` does for each report it writes), then runs every canned query of
``datasette-metadata.json``, every chart query of the dashboard and the facet queries
Datasette runs on the main tables (their metadata facets), with the same SQL and parameters,
through sqlite3 on the file opened read-only (as Datasette does). Prints each one's time
(best of three); target: each < 500 ms. Then serves the file with ``nianbao serve`` and
streams up to ``--csv-rows`` rows of ``reports`` and of ``applications`` as CSV
(``_stream=on``): rows received, time and the server's RSS.

    .venv/bin/python bench/queries.py [--reports 50000] [--db PATH (kept, reused if present)]
        [--csv-rows 1000000 (0: no CSV)] [--csv-table reports --csv-table applications ...]

A million reports take ~17 CPU-minutes to build and ~27 GB (28 kB per report).
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nianbao.nightly.publish import seal
from nianbao.serving import load_metadata
from parsers import schema
from storage import open_db, refresh_figures, refresh_region_figures
from storage.search import register_functions
from storage.summaries import refresh_bodies
from storage.views import fill_missing_figures

TARGET_MS = 500
YEARS = range(2019, 2025)
PROVINCES = 31
COUNTIES_PER_PROVINCE = 16
TEXT = (
    "根据《中华人民共和国政府信息公开条例》规定，现公布本机关政府信息公开工作年度报告。"
    "本年度共收到政府信息公开申请，均已按期答复。行政复议和行政诉讼情况如下。"
)
BODY_KINDS = ("人民政府", "教育局", "财政局", "自然资源局", "住房和城乡建设局", "卫生健康委员会")


def _county(p: int, c: int) -> dict[str, Any]:
    return {
        "id": f"p{p}c{c}.gov.example",
        "name": f"省{p}县{c}人民政府",
        "province": f"省{p}",
        "city": f"省{p}市{c // 4}",
        "county": f"省{p}县{c}",
        "level": "county",
        "start_url": f"http://p{p}c{c}.gov.example/zfxxgk/ndbg/",
        "cms_style": ("trs", "hanweb", "gkmlpt")[c % 3],
        "last_reports": 0 if c == 7 else 10,
    }


def _cells(rid: str, template: str, rng: random.Random) -> dict[str, list[tuple]]:
    """The three tables of one report: mostly small numbers, a few large, some blank."""
    scale = rng.choice((0, 1, 1, 2, 5, 20, 200))
    apps = []
    for row in schema.APPLICATION_ROWS_BY_TEMPLATE[template]:
        parts = [
            None if rng.random() < 0.03 else int(rng.random() * scale * 0.4)
            for _ in schema.APPLICANT_PARTS
        ]
        total = sum(v for v in parts if v is not None)
        values = [*parts, total]
        apps += [
            (rid, row, a, v, None if v is None else str(v))
            for a, v in zip(schema.APPLICANTS, values, strict=True)
        ]
    review = [
        (rid, p, o, v, str(v))
        for p in schema.PROCEEDINGS
        for o, v in zip(schema.OUTCOMES, (rng.randint(0, 2) if scale else 0,) * 5, strict=True)
    ]
    active = [
        (rid, item, metric, rng.randint(0, 40) if scale else 0, None, None)
        for item, metrics in schema.ACTIVE_LAYOUT[template].items()
        for metric in metrics
    ]
    return {"applications": apps, "review_litigation": review, "active_disclosure": active}


def synthetic_rows(n: int, seed: int = 1) -> Iterator[tuple[str, Any]]:
    """(table, row) pairs for ``n`` reports spread over 496 counties, 6 years and their bodies."""
    rng = random.Random(seed)
    counties = [_county(p, c) for p in range(PROVINCES) for c in range(COUNTIES_PER_PROVINCE)]
    for site in counties:
        yield "sites", site
    made = 0
    for i in itertools.count():
        site = counties[i % len(counties)]
        body = i // len(counties)
        kind = BODY_KINDS[body % len(BODY_KINDS)]
        agency = (
            f"{site['county']}{kind}" if body < len(BODY_KINDS) else f"{site['county']}第{body}镇"
        )
        level = "county" if kind == "人民政府" and body < len(BODY_KINDS) else "department"
        if body >= len(BODY_KINDS):
            level = "township"
        for year in YEARS:
            if made >= n:
                return
            if rng.random() < 0.04:  # some bodies skip a year
                continue
            made += 1
            rid = f"r{made:07d}"
            template = "2021" if year >= 2021 else "2019"
            when = f"{year + 1}-01-{1 + made % 28:02d}T08:00:00+00:00"
            yield (
                "reports",
                {
                    "id": rid,
                    "url": f"{site['start_url']}{year}/{made}.html",
                    "title": f"{agency}{year}年政府信息公开工作年度报告",
                    "agency": agency,
                    "year": year,
                    "template": template,
                    "published": when[:10],
                    "site": site["id"],
                    "province": site["province"],
                    "city": site["city"],
                    "county": site["county"],
                    "level": level,
                    "cells": 220,
                    "text": f"{agency}{year}年政府信息公开工作年度报告。" + TEXT * 8,
                    "first_seen": when,
                    "last_checked": when,
                    "last_changed": when,
                },
            )
            for table, rows in _cells(rid, template, rng).items():
                for row in rows:
                    yield table, row
            if rng.random() < 0.1:
                yield "findings", (rid, "balance", "error", "本年新收 + 上年结转 ≠ 总计 + 结转")
            if rng.random() < 0.05:
                yield "findings", (rid, "unreadable_cell", "error", "单元格无法读取")


INSERTS = {
    "applications": "insert into applications (report_id, row, applicant, value, raw)"
    " values (?,?,?,?,?)",
    "review_litigation": "insert into review_litigation"
    " (report_id, proceeding, outcome, value, raw) values (?,?,?,?,?)",
    "active_disclosure": "insert into active_disclosure (report_id, item, metric, value, raw, unit)"
    " values (?,?,?,?,?,?)",
    "findings": "insert into findings (report_id, rule, severity, message) values (?,?,?,?)",
}


def build(path: Path, n: int) -> None:
    """A database of ``n`` synthetic reports at ``path``, in storage's schema."""
    open_db(path).close()
    conn = sqlite3.connect(path)
    register_functions(conn)  # the search index's triggers call nianbao_bigrams
    # A bulk load into a new file: no journal (a WAL would hold the whole load a second time).
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")  # 256 MiB
    batches: dict[str, list[Any]] = {t: [] for t in INSERTS}
    with conn:
        for table, row in synthetic_rows(n):
            if table in INSERTS:
                batches[table].append(row)
                if len(batches[table]) >= 50_000:
                    conn.executemany(INSERTS[table], batches[table])
                    batches[table].clear()
            else:
                columns = ", ".join(row)
                marks = ", ".join("?" * len(row))
                conn.execute(
                    f"insert into {table} ({columns}) values ({marks})", list(row.values())
                )
        for table, rows in batches.items():
            conn.executemany(INSERTS[table], rows)
        # The figures save_report stores with each report: what Datasette serves.
        refresh_figures(sqlite_utils.Database(conn))
        refresh_region_figures(sqlite_utils.Database(conn))  # the summary table of totals
        refresh_bodies(sqlite_utils.Database(conn))  # and of each body's years
    conn.execute("ANALYZE")
    conn.close()
    seal(path)  # one self-contained file, as Datasette's immutable mode reads it


def prepare(path: Path) -> None:
    """Bring a kept database to the current schema (``open_db`` computes a new figure for
    every report) and store the figures of reports that have none."""
    db = open_db(path)
    fill_missing_figures(db)
    db.execute("ANALYZE")  # statistics for the indexes a migration added
    db.close()
    seal(path)


def workload(db: str = "nianbao") -> list[tuple[str, str, dict[str, str]]]:
    """(name, sql, params) of every canned query, chart query and main facet query."""
    meta = load_metadata(db)
    queries = meta["databases"][db]["queries"]
    params = {
        "most_applications": [{}, {"year": "2021", "province": "省3"}],
        "withheld_by_reason": [{}, {"year": "all"}],
        "unbalanced": [{}, {"year": "2021", "county": "省3县4"}],
        "all_zero": [{}, {"year": "all"}],
        "missing_reports": [{"county": "省3县4", "year": "2022"}, {}],
        "body_trend": [{"agency": "省3县4教育局"}, {"agency": "教育局", "county": "省5县5"}],
        "reports_with_findings": [{"severity": "error", "year": "2023"}, {}],
        "search": [{"q": "省3县4教育局"}, {"q": "复议"}, {"q": "公开"}, {"q": "行政复议 诉讼"}],
        "counties_most_applications": [{}, {"year": "2021年", "province": "省3"}],
        "applications_per_year": [{}, {"province": "省3"}],
        "outcomes_by_year": [{}, {"county": "省3县4"}],
    }
    work = []
    for name, query in queries.items():
        for p in params.get(name, [{}]):
            names = query.get("params", [])
            work.append((name, query["sql"], {k: p.get(k, "") for k in names}))
    charts = meta["plugins"]["datasette-dashboards"]["nianbao"]["charts"]
    for slug, chart in charts.items():
        work.append((f"chart {slug}", chart["query"], {"province": "", "county": ""}))
    tables = meta["databases"][db]["tables"]
    for table in ("reports", "report_summary"):
        for column in tables[table].get("facets", []):
            sql = (
                f"select {column} as value, count(*) as count from (select * from {table})"
                f" where {column} is not null group by {column} order by count desc, value limit 31"
            )
            work.append((f"facet {table}.{column}", sql, {}))
    for table in ("reports", "report_summary"):
        work.append((f"page {table}", f"select * from {table} order by id limit 51", {}))
    return work


def time_query(
    conn: sqlite3.Connection, sql: str, params: dict[str, str]
) -> tuple[float, float, int]:
    """Best of three: wall-clock ms, CPU ms (the machine may be shared), rows returned."""
    best, best_cpu = float("inf"), float("inf")
    count = 0
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        count = len(conn.execute(sql, params).fetchall())
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best * 1000, best_cpu * 1000, count


def _rss_mb(pid: int) -> float:
    """Resident memory of a process (MiB), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stream_csv(path: Path, rows: int, table: str = "reports") -> None:
    """Serve ``path`` with ``nianbao serve`` and download up to ``rows`` rows of ``table`` (its
    first rows by key: ``id``, or ``rowid`` for the cell tables) as CSV with ``_stream=on``:
    rows received, time, the server's RSS before and at its peak while streaming (sampled
    every 20,000 rows)."""
    key = "id" if table in ("reports", "report_summary") else "rowid"
    with sqlite3.connect(f"file:{path.resolve()}?immutable=1", uri=True) as conn:
        total = conn.execute(f"select count(*) from {table}").fetchone()[0]
        bound = conn.execute(
            f"select {key} from {table} order by {key} limit 1 offset ?", [rows]
        ).fetchone()
    query = "_stream=on" + (f"&{key}__lt={bound[0]}" if bound else "")
    expected = min(rows, total)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    argv = [sys.executable, "-m", "nianbao", "serve", "--db", str(path), "--port", str(port)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        idle = _rss_mb(server.pid)
        start, peak, lines = time.perf_counter(), idle, 0
        with urllib.request.urlopen(f"{base}/{path.stem}/{table}.csv?{query}", timeout=900) as r:
            for n, _ in enumerate(csv.reader(io.TextIOWrapper(r, encoding="utf-8"))):
                lines = n  # rows after the header
                if n % 20_000 == 0:
                    peak = max(peak, _rss_mb(server.pid))
        seconds = time.perf_counter() - start
        peak = max(peak, _rss_mb(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # stuck in a stream the client left
            server.kill()
            server.wait()
    print(
        f"\nCSV {table}.csv?{query}: {lines:,} of {expected:,} rows in {seconds:.0f} s;"
        f" server RSS {idle:.0f} MiB idle, {peak:.0f} MiB peak while streaming"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--db", type=Path, help="keep the database here (reused if it exists)")
    parser.add_argument(
        "--csv-rows", type=int, default=1_000_000, help="rows of the CSV stream (0: skip it)"
    )
    parser.add_argument(
        "--csv-table", action="append", help="table(s) to stream (default: reports, applications)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "nianbao.db"
        if not path.exists():
            start = time.perf_counter()
            build(path, args.reports)
            print(f"built {path} ({args.reports} reports) in {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        prepare(path)
        print(f"schema migrated, figures filled in {time.perf_counter() - start:.0f} s")
        conn = sqlite3.connect(f"file:{path.resolve()}?immutable=1", uri=True)
        register_functions(conn)  # the search query's nianbao_fts_query, as Datasette has it
        reports = conn.execute("select count(*) from reports").fetchone()[0]
        cells = conn.execute("select count(*) from applications").fetchone()[0]
        size = path.stat().st_size
        print(
            f"{reports} reports, {cells} application cells, {size >> 20} MiB"
            f" = {size / reports / 1000:.1f} kB per report\n"
        )
        slow = []
        for name, sql, params in workload():
            ms, cpu_ms, count = time_query(conn, sql, params)
            shown = json.dumps({k: v for k, v in params.items() if v}, ensure_ascii=False)
            flag = "  SLOW" if ms > TARGET_MS else ""
            print(
                f"{ms:8.1f} ms {cpu_ms:8.1f} ms CPU {count:6d} rows  {name}"
                f" {shown if shown != '{}' else ''}{flag}"
            )
            if ms > TARGET_MS:
                slow.append(name)
        conn.close()
        print(f"\n{len(slow)} over {TARGET_MS} ms" + (f": {', '.join(slow)}" if slow else ""))
        for table in args.csv_table or ["reports", "applications"] if args.csv_rows else []:
            stream_csv(path, args.csv_rows, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
