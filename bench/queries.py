"""Benchmark the published queries on a synthetic database of 50,000 (or 1,000,000) reports.

Builds the database with storage's schema (``storage.open_db``) and bulk inserts: per report
its row (ids as ``storage.ids`` makes them, ~1,200 characters of text through the search
index's trigger), ~220 cells, its page (30 % also a rejected look-alike page), its sources (a
third with an attachment), some findings; 1 % edited after publication (``keep_version``, one
figure changed); 5 % of texts copy the body's text of the year before and 3 % another body's
of the same county and year. Then what ``save_report`` and a crawl's close keep: every
report's figures, the totals per year and region, each body's years
(``storage.refresh_figures``, ``refresh_region_figures``, ``summaries.refresh_bodies``), the
bodies and coverage analyses (``storage.bodies``, ``storage.coverage``) and 内容雷同 pairs (the
copies made, bulk: their MinHash rate is measured on a sample), and the table counts that
publishing writes for Datasette (``nianbao.tablecounts``).

It then runs every canned query of ``datasette-metadata.json`` (with and without filters),
every chart query of the dashboard, the values a canned query's inputs offer, the facet
queries Datasette runs on every table with metadata facets, and each main table's first page
(and row count where no count was written), with the same SQL and parameters, through sqlite3
on the file opened read-only (as Datasette does), then each main table's page and each canned
query's page through ``nianbao serve``'s Datasette (every query of a page view). Prints each
one's time (best of three); target: each < 500 ms. Then serves the file with ``nianbao
serve`` and streams up to ``--csv-rows`` rows of ``reports`` and of ``applications`` as CSV
(``_stream=on``): rows received, time and the server's RSS.

    .venv/bin/python bench/queries.py [--reports 50000] [--db PATH (kept, reused if present)]
        [--csv-rows 1000000 (0: no CSV)] [--csv-table reports --csv-table applications ...]

A million reports take about an hour to build on two shared cores and ~45 GB of disk.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
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
from urllib.parse import quote

import sqlite_utils

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nianbao.nightly.publish import seal
from nianbao.serving import load_metadata, make_datasette
from nianbao.tablecounts import read_counts, write_counts
from nianbao.web.plugin import CHOICES_SQL
from parsers import schema
from storage import open_db, refresh_figures, refresh_region_figures
from storage.bodies import refresh_bodies as refresh_body_table
from storage.coverage import refresh_coverage
from storage.search import register_functions
from storage.similarity import SIMILARITY_COLUMNS, prose, signature
from storage.summaries import refresh_bodies
from storage.versions import keep_version
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


def _sentences(rng: random.Random, count: int = 40_000) -> list[str]:
    """Lines of 40–90 characters: a phrase of the boilerplate every report prints, then words
    of 1,500 CJK characters, so two independent texts share the boilerplate and little else
    (estimated 5-gram Jaccard far under 0.6) and the search index holds a realistic vocabulary."""
    chars = [chr(0x4E00 + i) for i in range(1500)]
    return [
        rng.choice(PHRASES) + "".join(rng.choices(chars, k=rng.randint(20, 70))) + "。"
        for _ in range(count)
    ]


def _prose(head: str, rng: random.Random, sentences: list[str]) -> str:
    """About 1,200 characters: the title, then 18 lines drawn from ``sentences``."""
    return "\n".join([head, *rng.sample(sentences, 18)])


PHRASES = (
    "根据《中华人民共和国政府信息公开条例》规定，",
    "本年度共收到政府信息公开申请，均已按期答复，",
    "行政复议和行政诉讼情况如下，",
    "进一步加强政府信息公开平台建设，",
    "存在的主要问题及改进情况：",
    "坚持以公开为常态、不公开为例外，",
    "全面推进决策、执行、管理、服务、结果公开，",
)


def report_id(site: str, year: int, agency: str) -> str:
    """An id of the form ``storage.ids.report_id_for`` gives (16 hex digits of a sha1)."""
    key = json.dumps(["agency-year", site, year, agency], ensure_ascii=False)
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def synthetic_rows(n: int, seed: int = 1) -> Iterator[tuple[str, Any]]:
    """(table, row) pairs for ``n`` reports spread over 496 counties, 6 years and their bodies:
    the report, its cells, its page (and ~30 % a rejected look-alike page), its sources (a third
    with an attachment), some findings; 5 % of texts copy the body's text of the year before
    and 3 % another body's text of the same county and year (what 内容雷同 finds)."""
    rng = random.Random(seed)
    sentences = _sentences(rng)
    counties = [_county(p, c) for p in range(PROVINCES) for c in range(COUNTIES_PER_PROVINCE)]
    for site in counties:
        yield "sites", site
    last_text: dict[str, tuple[str, str]] = {}  # county + year → (a text of it, its report)
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
        previous = None  # this body's text of the year before
        for year in YEARS:
            if made >= n:
                return
            if rng.random() < 0.04:  # some bodies skip a year
                previous = None
                continue
            made += 1
            rid = report_id(site["id"], year, agency)
            template = "2021" if year >= 2021 else "2019"
            when = f"{year + 1}-01-{1 + made % 28:02d}T08:00:00+00:00"
            title = f"{agency}{year}年政府信息公开工作年度报告"
            url = f"{site['start_url']}{year}/t{made}.html"
            roll = rng.random()
            peer = last_text.get(f"{site['county']}{year}")
            if previous and roll < 0.05:
                text = previous[0].replace(str(year - 1), str(year))
                yield "copies", (rid, previous[1], "same_body_next_year")
            elif peer and roll < 0.08:
                text = peer[0]
                yield "copies", (rid, peer[1], "other_body_same_year")
            else:
                text = _prose(f"{title}。", rng, sentences)
            previous = last_text[f"{site['county']}{year}"] = (text, rid)
            yield (
                "reports",
                {
                    "id": rid,
                    "url": url,
                    "title": title,
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
                    "read_quality": "whole",
                    "read_share": 1.0,
                    "text": text,
                    "content_hash": hashlib.sha256(f"{rid}{made}".encode()).hexdigest(),
                    "source_url": url,
                    "first_seen": when,
                    "last_checked": when,
                    "last_changed": when,
                },
            )
            yield "pages", (url, site["id"], "report", 200, title, title, site["start_url"],
                            rid, when, when, when)  # fmt: skip
            if rng.random() < 0.3:
                other = f"{site['start_url']}{year}/n{made}.html"
                yield "pages", (other, site["id"], "rejected", 200, f"{agency}关于{year}年的通知",
                                None, site["start_url"], None, when, when, when)  # fmt: skip
            yield "report_sources", (rid, url, "page", url, None, when, when)
            if rng.random() < 0.33:
                pdf = f"{site['start_url']}{year}/P0{made}.pdf"
                yield "report_sources", (rid, pdf, "attachment", url, f"full/{rid}.pdf", when,
                                         when)  # fmt: skip
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
    "pages": "insert into pages (url, site, classification, status, title, link_text, referer,"
    " report_id, fetched_at, first_seen, last_checked) values (?,?,?,?,?,?,?,?,?,?,?)",
    "report_sources": "insert into report_sources (report_id, url, kind, page_url, file_path,"
    " first_seen, last_checked) values (?,?,?,?,?,?,?)",
    "copies": "insert into bench_copies (report_id, other_report_id, relation) values (?,?,?)",
}


def build(path: Path, n: int) -> None:
    """A database of ``n`` synthetic reports at ``path``, in storage's schema, with the
    analyses the store pipeline rebuilds after a crawl; prints the time of each step."""
    start = time.perf_counter()
    open_db(path).close()
    conn = sqlite3.connect(path)
    register_functions(conn)  # the search index's triggers call nianbao_bigrams
    # A bulk load into a new file: no journal (a WAL would hold the whole load a second time).
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -1048576")  # 1 GiB
    conn.execute("create temp table bench_copies (report_id, other_report_id, relation)")
    batches: dict[str, list[Any]] = {t: [] for t in INSERTS}
    edited = []
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
                if (
                    table == "reports"
                    and len(edited) < n // 100
                    and int(row["id"][:4], 16) % 50 == 0
                ):
                    edited.append(row["id"])
        for table, rows in batches.items():
            conn.executemany(INSERTS[table], rows)
    print(f"  rows inserted in {time.perf_counter() - start:.0f} s", flush=True)
    step = time.perf_counter()
    db = sqlite_utils.Database(conn)
    with conn:
        for rid in edited:  # edited after publication: the version kept, one figure changed
            keep_version(db, rid, "2026-06-01T08:00:00+00:00")
            conn.execute(
                "update applications set value = value + 1, raw = cast(value + 1 as text)"
                " where report_id = ? and row = 'new_received' and applicant = 'natural_person'"
                " and value is not null",
                [rid],
            )
            conn.execute(
                "insert into report_changes (report_id, changed_at, reason, summary)"
                " values (?, '2026-06-01T08:00:00+00:00', 'content', '1 个数字有变化')",
                [rid],
            )
        # The figures save_report stores with each report: what Datasette serves.
        refresh_figures(db)
        refresh_region_figures(db)  # the summary table of totals
        refresh_bodies(db)  # and of each body's years
    print(f"  versions, figures and summary tables in {time.perf_counter() - step:.0f} s")
    step = time.perf_counter()
    found = {"bodies": refresh_body_table(db), "coverage": refresh_coverage(db)}
    print(
        f"  bodies and coverage (as after a crawl) in {time.perf_counter() - step:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in found.items()),
        flush=True,
    )
    step = time.perf_counter()
    pairs = _copied_pairs(conn)
    rate = _signature_rate(conn)
    print(
        f"  内容雷同: {pairs:,} pairs (the copies made, stored as refresh_similarity stores them;"
        f" its MinHash signatures run at {rate:,.0f} texts/s here, so a first refresh of"
        f" {n:,} texts would take ~{n / rate / 60:.0f} min, later ones only the new texts)"
        f" in {time.perf_counter() - step:.0f} s",
        flush=True,
    )
    conn.close()
    seal(path)  # statistics and one self-contained file, as publishing leaves it


def _copied_pairs(conn: sqlite3.Connection) -> int:
    """Store the generator's copied texts as ``text_similarity`` rows (a bulk path: computing
    a million MinHash signatures would take longer than the rest of the build)."""
    with conn:
        conn.execute(
            f"""insert into text_similarity ({", ".join(SIMILARITY_COLUMNS)})
            select c.report_id, c.other_report_id, 1.0, c.relation, a.year, b.year, ba.body_id,
              bb.body_id, a.agency, b.agency, a.level, a.province, a.city, a.county,
              length(a.text), length(b.text)
            from bench_copies c
            join reports a on a.id = c.report_id
            join reports b on b.id = c.other_report_id
            left join report_bodies ba on ba.report_id = a.id
            left join report_bodies bb on bb.report_id = b.id"""
        )
        conn.execute("drop table bench_copies")
    return conn.execute("select count(*) from text_similarity").fetchone()[0]


def _signature_rate(conn: sqlite3.Connection, sample: int = 2000) -> float:
    """MinHash signatures per second (``storage.similarity``) over a sample of the texts."""
    texts = [t for (t,) in conn.execute("select text from reports limit ?", [sample])]
    start = time.process_time()
    for text in texts:
        signature(prose(text))
    return len(texts) / max(time.process_time() - start, 1e-9)


def prepare(path: Path) -> None:
    """Bring a kept database to the current schema (``open_db`` computes a new figure for
    every report) and store the figures of reports that have none."""
    db = open_db(path)
    fill_missing_figures(db)
    db.close()
    seal(path)  # statistics (for the indexes a migration added too), as publishing does


def workload(
    conn: sqlite3.Connection, counts: dict[str, Any] | None = None, db: str = "nianbao"
) -> list[tuple[str, str, dict[str, str]]]:
    """(name, sql, params) of every canned query (with and without its filters), every chart
    query, the values a canned query's inputs offer, the facet queries Datasette runs on every
    table with metadata facets (and those one click away), and each main table's first page (in
    its metadata sort) and its row count where ``counts`` (the publish-time counts Datasette is
    given) do not hold it (what its table page runs)."""
    meta = load_metadata(db)
    queries = meta["databases"][db]["queries"]
    body, edited = (
        conn.execute("select id from bodies order by id limit 1 offset 500").fetchone() or [""],
        conn.execute("select report_id from report_versions limit 1").fetchone() or [""],
    )
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
        "bodies_without_report": [{}, {"year": "2022", "level": "township", "county": "省3县4"}],
        "copies_last_year": [{}, {"year": "2023", "min_similarity": "0.9"}],
        "shared_texts": [{}, {"year": "2022", "county": "省3县4"}],
        "body_series": [{"body": body[0]}],
        "edited_reports": [{}, {"report_id": edited[0]}],
    }
    work = []
    for name, query in queries.items():
        for p in params.get(name, [{}]):
            names = query.get("params", [])
            work.append((name, query["sql"], {k: p.get(k, "") for k in names}))
    charts = meta["plugins"]["datasette-dashboards"]["nianbao"]["charts"]
    for slug, chart in charts.items():
        work.append((f"chart {slug}", chart["query"], {"province": "", "county": ""}))
    for name, sql in CHOICES_SQL.items():  # the values a canned query's inputs offer
        work.append((f"choices {name}", sql, {}))
    tables = meta["databases"][db]["tables"]
    present = {r[0] for r in conn.execute("select name from sqlite_master")}
    for table, spec in tables.items():
        facets = [*spec.get("facets", []), *ONE_CLICK_FACETS.get(table, ())]
        for column in facets if table in present else []:
            sql = (
                f"select {column} as value, count(*) as count from (select * from {table})"
                f" where {column} is not null group by {column} order by count desc, value limit 31"
            )
            work.append((f"facet {table}.{column}", sql, {}))
    counted = counts or {}
    for table in MAIN_TABLES:
        spec = tables.get(table, {})
        key = "id" if table in ("reports", "report_summary") else "rowid"
        order = (
            f"{spec['sort_desc']} desc" if "sort_desc" in spec else spec.get("sort", key)
        )  # the table's sort in the metadata, else its key
        work.append((f"page {table}", f"select * from {table} order by {order} limit 51", {}))
        if table not in counted:  # else the table page shows the count made at publish time
            work.append((f"count {table}", f"select count(*) from {table}", {}))
    return work


# The search box of the reports table: a body name (few matches), a word in most reports.
SEARCH_BOX_WORDS = ("省3县4教育局", "复议")
# Facets the table page does not show by default, one click away in its column menu.
ONE_CLICK_FACETS = {"reports": ("county", "template")}
MAIN_TABLES = (
    "reports", "report_summary", "applications", "active_disclosure", "review_litigation",
    "findings", "pages", "report_sources", "coverage", "text_similarity", "bodies",
)  # fmt: skip


def time_query(
    conn: sqlite3.Connection, sql: str, params: dict[str, str]
) -> tuple[float, float, int]:
    """Best of three (one when over 5 s): wall-clock ms, CPU ms (the machine may be shared),
    rows returned."""
    best, best_cpu = float("inf"), float("inf")
    count = 0
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        count = len(conn.execute(sql, params).fetchall())
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        if best > 5:  # far over the target: once is enough
            break
    return best * 1000, best_cpu * 1000, count


def time_pages(path: Path) -> list[tuple[str, float, int]]:
    """(URL, best of three ms, HTTP status) of each main table's page, each canned query's
    page (default parameters) and the reports search box (``SEARCH_BOX_WORDS``) as ``nianbao
    serve`` answers them (its Datasette, in process): every query a page view runs, counts
    and facets included."""
    db = path.stem
    ds = make_datasette(path)
    queries = load_metadata(db)["databases"][db]["queries"]
    urls = [f"/{db}/{t}" for t in MAIN_TABLES] + [f"/{db}/{q}" for q in queries]
    urls += [f"/{db}/reports?_search={quote(word)}" for word in SEARCH_BOX_WORDS]

    async def run() -> list[tuple[str, float, int]]:
        await ds.invoke_startup()
        timed = []
        for url in urls:
            best, status = float("inf"), 0
            for _ in range(3):
                start = time.perf_counter()
                status = (await ds.client.get(url)).status_code
                best = min(best, time.perf_counter() - start)
            timed.append((url, best * 1000, status))
        return timed

    return asyncio.run(run())


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
        if read_counts(path) is None:
            start = time.perf_counter()
            write_counts(path)  # as publish does: Datasette's table pages read these counts
            print(f"table counts written (as at publish) in {time.perf_counter() - start:.0f} s")
        conn = sqlite3.connect(f"file:{path.resolve()}?immutable=1", uri=True)
        register_functions(conn)  # the search query's nianbao_fts_query, as Datasette has it
        counted = (read_counts(path) or {}).get("tables", {})
        reports, cells = (counted[t]["count"] for t in ("reports", "applications"))
        size = path.stat().st_size
        print(
            f"{reports} reports, {cells} application cells, {size >> 20} MiB"
            f" = {size / reports / 1000:.1f} kB per report\n"
        )
        slow = []
        for name, sql, params in workload(conn, counted):
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
        print()
        for url, ms, status in time_pages(path):
            flag = "  SLOW" if ms > TARGET_MS or status != 200 else ""
            print(f"{ms:8.1f} ms  HTTP {status}  page {url}{flag}")
            if flag:
                slow.append(f"page {url}")
        print(f"\n{len(slow)} over {TARGET_MS} ms" + (f": {', '.join(slow)}" if slow else ""))
        for table in args.csv_table or ["reports", "applications"] if args.csv_rows else []:
            stream_csv(path, args.csv_rows, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
