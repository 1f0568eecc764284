"""Distributed crawl benchmark: pages/s and reports/s with 1, 2 and 4 Redis-backed workers
beside the single-process crawl, on the local mock portals (throttling off), in one run.

    python bench/distributed.py [--copies 4] [--workers 1,2,4]

Serves ``copies`` instances of each bundled mock portal and a private ``redis-server``
(127.0.0.1, free port, no persistence). Each configuration crawls every portal from scratch
(no HTTP cache) with the whole item pipeline, into a fresh database:

- single: one ``nianbao crawl --sites … --db …`` (parse, validate, store in the process);
- N workers: N ``nianbao crawl --redis URL`` processes and one ``nianbao store`` writer.

Times are wall-clock from launching the processes to the database being complete (start-up
included: what a user waits for); pages are responses received (the crawls' stats, summed over
workers), reports are rows in ``reports``. All portals share 127.0.0.1, one Scrapy download
slot per process, so ``CONCURRENT_REQUESTS_PER_DOMAIN=32`` stands in for separate hosts (as in
``bench/crawl.py``). On a 2-core machine, more than two processes compete for the CPU: the
figures show the overhead of the shared queue more than the scaling of a cluster.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.demo import SITE_COLUMNS  # noqa: E402
from nianbao.testing.portalserver import SITES, PortalServer  # noqa: E402
from nianbao.testing.redisserver import REDIS_SERVER, serve_redis  # noqa: E402

SETTINGS = [
    "--settings", "crawler.settings.test", "-s", "HTTPCACHE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32", "-s", "LOG_LEVEL=ERROR",
    "-s", "NIANBAO_WORKER_SITES=8",
]  # fmt: skip


def _count_reports(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("select count(*) from reports").fetchone()[0]


def _pages(stats_files: list[Path]) -> int:
    total = 0
    for path in stats_files:
        stats = json.loads(path.read_text(encoding="utf-8"))
        total += stats.get("response_received_count", 0)
    return total


def run_single(sites: Path, work: Path) -> dict[str, float]:
    db, stats = work / "single.db", work / "single.json"
    argv = [sys.executable, "-m", "nianbao", "crawl", "--sites", str(sites), "--db", str(db),
            "--files", str(work / "files-single"), "--stats", str(stats), *SETTINGS]  # fmt: skip
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"single crawl failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return {"seconds": seconds, "pages": _pages([stats]), "reports": _count_reports(db)}


def run_workers(sites: Path, work: Path, redis_url: str, n: int) -> dict[str, float]:
    db = work / f"workers{n}.db"
    stats = [work / f"workers{n}-{i}.json" for i in range(n)]
    argv = [sys.executable, "-m", "nianbao", "crawl", "--sites", str(sites), "--redis", redis_url,
            "--files", str(work / f"files-{n}"), *SETTINGS]  # fmt: skip
    start = time.perf_counter()
    workers = [
        subprocess.Popen(
            [*argv, "--stats", str(s)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for s in stats
    ]
    store = subprocess.run(
        [sys.executable, "-m", "nianbao", "store", "--redis", redis_url, "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    codes = [w.wait(timeout=60) for w in workers]
    if store.returncode != 0 or any(codes):
        errors = "".join(w.stderr.read() for w in workers if w.stderr)
        raise SystemExit(f"{n} workers failed {codes}:\n{store.stdout}{store.stderr}{errors}")
    return {"seconds": seconds, "pages": _pages(stats), "reports": _count_reports(db)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="instances of each mock portal")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    if REDIS_SERVER is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    servers = [PortalServer(k, lifetime=1800).start() for k in SITES for _ in range(args.copies)]
    results: list[tuple[str, dict[str, float]]] = []
    try:
        with serve_redis() as url, tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            sites = write_sites(servers, work / "sites.csv")
            results.append(("single process", run_single(sites, work)))
            for n in counts:
                results.append((f"{n} worker{'s' if n > 1 else ''} + store", run_workers(
                    sites, work, url, n)))  # fmt: skip
    finally:
        for server in servers:
            server.stop()
    print(f"distributed crawl ({args.copies} × {len(SITES)} mock portals, throttling off,")
    print("parse + validate + store, wall clock from launch to a complete database)")
    for name, r in results:
        print(
            f"  {name:18s} {r['pages']:5.0f} pages {r['reports']:5.0f} reports in "
            f"{r['seconds']:6.2f} s = {r['pages'] / r['seconds']:6.1f} pages/s, "
            f"{r['reports'] / r['seconds']:6.1f} reports/s"
        )
    same = len({r["reports"] for _, r in results}) == 1
    print("  every configuration stored the same reports" if same else "  REPORT COUNTS DIFFER")
    return 0 if same else 1


def write_sites(servers: list[PortalServer], path: Path) -> Path:
    """A sites registry of the served portals (several copies of each: one site id each)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=SITE_COLUMNS)
        writer.writeheader()
        for i, server in enumerate(servers):
            start = server.expected.get("start_path", "/index.html")
            writer.writerow({"id": f"bench-{server.key}-{i}", "name": f"{server.key} {i}",
                             "level": "county", "start_url": server.url(start)})  # fmt: skip
    return path


if __name__ == "__main__":
    sys.exit(main())
