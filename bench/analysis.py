"""Benchmark the analysis tables: rebuild bodies, coverage and 内容雷同 over N stored reports.

Synthetic counties (one government, 12 townships, 8 departments, 5 years); each report ~1,500
characters of seeded prose, a tenth copying the body's previous year and a tenth sharing a
neighbour's text. Rows go straight into ``reports`` (the writer is measured by store.py).
Prints seconds per step and the pairs found, and the rebuild of a next crawl in which no text
changed (the MinHash signatures come from ``prose_signatures``).

    .venv/bin/python bench/analysis.py [--reports 20000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage import open_db
from storage.bodies import refresh_bodies
from storage.coverage import refresh_coverage
from storage.similarity import refresh_similarity

CHARS = (
    "政府信息公开工作年度报告本机关坚持以人民为中心深化主动推进重点领域决策透明度服务群众规范"
    "依申请办理加强平台建设监督保障培训考核制度完善存在问题改进措施落实责任明确财政预算决算"
)
YEARS = range(2020, 2025)


def prose(rng: random.Random, lines: int = 40) -> str:
    return "\n".join(
        "".join(rng.choice(CHARS) for _ in range(rng.randint(25, 50))) + f"{rng.randint(1, 99)}件。"
        for _ in range(lines)
    )


def rows(n: int, seed: int = 13):
    rng = random.Random(seed)
    bodies = ["人民政府"] + [f"第{i}镇人民政府" for i in range(12)] + [f"第{i}局" for i in range(8)]
    made = 0
    county = 0
    while made < n:
        county += 1
        last: dict[str, str] = {}
        for year in YEARS:
            previous = None
            for body in bodies:
                if made >= n:
                    return
                roll = rng.random()
                if roll < 0.1 and body in last:
                    text = last[body]  # copies last year
                elif roll < 0.2 and previous is not None:
                    text = previous  # shares a neighbour's text
                else:
                    text = prose(rng)
                last[body], previous = text, text
                agency = f"县{county}{body}"
                made += 1
                yield {
                    "id": f"r{made}", "site": f"s{county}", "year": year, "agency": agency,
                    "title": f"{agency}{year}年政府信息公开工作年度报告", "county": f"县{county}",
                    "index_no": f"{county:06d}{bodies.index(body):04d}XX/{year}-1",
                    "level": "township" if "镇" in body else "county", "text": text,
                }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        db["reports"].insert_all(rows(args.reports), batch_size=1000)
        for name, step in (
            ("bodies", refresh_bodies),
            ("coverage", refresh_coverage),
            ("text_similarity", refresh_similarity),
            ("  again, cached", refresh_similarity),  # the next crawl: no text changed
        ):
            started = time.perf_counter()
            count = step(db)
            seconds = time.perf_counter() - started
            rate = args.reports / seconds
            print(f"{name:16} {count:8} rows  {seconds:7.2f} s  ({rate:,.0f} reports/s)")
        by_relation = db.execute(
            "select relation, count(*) from text_similarity group by relation order by 1"
        ).fetchall()
        print("pairs:", ", ".join(f"{r} {n}" for r, n in by_relation))


if __name__ == "__main__":
    main()
