"""Benchmark the writer: store N synthetic reports (every cell: ~200 each) into a fresh database.

Prints reports/second and the database size. Target: ≥ 300 reports/s. Each report comes with
its read quality, as the crawl's validate pipeline hands it to the writer (computed before the
clock starts: it is a crawl worker's work, not the writer's).

    .venv/bin/python bench/store.py [--reports 10000] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nianbao.testing.reports import cell_keys, with_cells
from parsers.quality import read_quality
from parsers.schema import Finding, Report
from storage import open_db, save_report, save_sites

TEXT = (
    "根据《中华人民共和国政府信息公开条例》规定，现公布本机关政府信息公开工作年度报告。"
    "本年度共收到政府信息公开申请，均已按期答复。行政复议和行政诉讼情况如下。"
)

MAX_VALUE = {"active_disclosure": 30, "applications": 9, "review_litigation": 3}


def synthetic_report(i: int, rng: random.Random) -> Report:
    """A 2021-format report: every cell of the three tables (202), ~1,800 characters of text."""
    sites = 50
    report = Report(
        title=f"第{i}号机关{2019 + i % 5}年政府信息公开工作年度报告",
        agency=f"第{i}号机关",
        year=2019 + i % 5,
        template="2021",
        published="2022-01-20",
        url=f"http://site{i % sites}.example/art/{i}.html",
        findings=[Finding("balance", "error", "本年新收 + 上年结转 ≠ 总计 + 结转", ["total"])],
        text=TEXT * 20,
    )
    cells = {key: rng.randint(0, MAX_VALUE[key[0]]) for key in cell_keys("2021")}
    return with_cells(report, cells, raw=str)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--db", help="database path (default: a temporary file)")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.db or os.path.join(tmp.name, "bench.db"))
    db = open_db(path)
    # 50 county portals in 5 provinces, as a crawl of real portals stores them: a summary group
    # (year, region, level) then holds tens of reports, as a real county's bodies do.
    save_sites(db, [
        {"id": f"site{s}", "name": f"站点{s}", "level": "county", "province": f"第{s % 5}省",
         "city": f"第{s % 10}市", "county": f"第{s}县"}
        for s in range(50)
    ])  # fmt: skip
    rng = random.Random(42)
    reports = [synthetic_report(i, rng) for i in range(args.reports)]
    qualities = [read_quality(r) for r in reports]  # ValidatePipeline's work, on the workers
    cells = sum(len(r.cell_map()) for r in reports) / len(reports)
    start, cpu = time.perf_counter(), time.process_time()
    for i, (report, quality) in enumerate(zip(reports, qualities, strict=True)):
        save_report(db, report, site=f"site{i % 50}", quality=quality)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    rate = len(reports) / elapsed
    print(f"stored {len(reports)} reports ({cells:.0f} cells each) in {elapsed:.1f} s")
    print(f"{rate:.0f} reports/s (target ≥ 300); {len(reports) / cpu:.0f} reports per CPU-second")
    print(f"database size: {size / 1e6:.1f} MB ({size / len(reports) / 1e3:.1f} kB per report)")
    db.close()
    tmp.cleanup()
    return 0 if rate >= 300 else 1


if __name__ == "__main__":
    sys.exit(main())
