"""Crawl benchmark: pages/second on the local mock portals vs ``scrapy bench``, requests/report.

    python bench/crawl.py [--copies 4]

Serves ``copies`` instances of each bundled mock portal (``nianbao.testing.portalserver``), crawls
them all in one ``nianbao crawl`` (test settings: no throttling, no HTTP cache; attachments
downloaded, no other item pipeline) and reads the crawl's own stats. Then runs
``scrapy bench`` (Scrapy's local link-following benchmark) in the same run and parses its
stats. Targets: a rate at least that of ``scrapy bench``; at most 4 requests per report found;
every report of the manifests found.

All mock portals listen on 127.0.0.1 (one port each), and Scrapy keys its download slots by
host name, so they share one slot; ``CONCURRENT_REQUESTS_PER_DOMAIN=32`` gives that slot the
concurrency that separate hosts would have (the total stays ``CONCURRENT_REQUESTS``).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler import stats as keys
from nianbao.testing.portalserver import SITES, PortalServer

ROOT = Path(__file__).resolve().parent.parent
MAX_REQUESTS_PER_REPORT = 4.0
PIPELINES = json.dumps({"pipelines.attachments.AttachmentsPipeline": 100})


def crawl_portals(copies: int) -> dict[str, float]:
    """Crawl ``copies`` × every mock portal; pages/s, requests (server side), reports."""
    servers = [PortalServer(key, lifetime=600).start() for key in SITES for _ in range(copies)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            stats_file = Path(tmp) / "stats.json"
            argv = [
                sys.executable, "-m", "nianbao", "crawl", *(s.url() for s in servers),
                "--settings", "crawler.settings.test", "--stats", str(stats_file),
                "--files", str(Path(tmp) / "files"), "-s", f"ITEM_PIPELINES={PIPELINES}",
                "-s", "HTTPCACHE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
                "-s", "LOG_LEVEL=ERROR",
            ]  # fmt: skip
            proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
            stats = json.loads(stats_file.read_text(encoding="utf-8"))
    finally:
        for server in servers:
            server.stop()
    pages = stats.get("response_received_count", 0)
    elapsed = float(stats.get("elapsed_time_seconds", 0)) or 1e-9
    reports = stats.get(keys.REPORTS, 0)
    requests = sum(len(s.requests) for s in servers)
    expected = sum(len(s.expected["reports"]) for s in servers)
    return {
        "pages": pages,
        "seconds": elapsed,
        "pages_per_second": pages / elapsed,
        "requests": requests,
        "reports": reports,
        "reports_expected": expected,
        "requests_per_report": requests / reports if reports else float("inf"),
    }


def scrapy_bench() -> dict[str, float]:
    """Run ``scrapy bench`` and read pages crawled and elapsed time from its stats dump."""
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", "LOG_LEVEL=INFO"],
        cwd=tempfile.gettempdir(),  # outside the project: Scrapy's own default settings
        capture_output=True,
        text=True,
        timeout=300,
    )
    dump = re.search(r"Dumping Scrapy stats:\s*(\{.*?\})\s*\n\S", proc.stderr, re.S)
    if not dump:
        raise SystemExit(f"scrapy bench gave no stats:\n{proc.stderr[-2000:]}")
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", dump.group(1))
    stats = ast.literal_eval(text)
    pages = stats.get("response_received_count", 0)
    elapsed = float(stats.get("elapsed_time_seconds", 0)) or 1e-9
    return {"pages": pages, "seconds": elapsed, "pages_per_second": pages / elapsed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4, help="instances of each mock portal")
    args = parser.parse_args()
    ours = crawl_portals(args.copies)
    bench = scrapy_bench()
    print(f"crawl benchmark ({args.copies} × {len(SITES)} mock portals, throttling off)")
    print(
        f"  annual_reports: {ours['pages']:.0f} pages in {ours['seconds']:.2f} s = "
        f"{ours['pages_per_second']:.0f} pages/s"
    )
    print(
        f"  scrapy bench:   {bench['pages']:.0f} pages in {bench['seconds']:.2f} s = "
        f"{bench['pages_per_second']:.0f} pages/s"
    )
    print(
        f"  reports found:  {ours['reports']} of {ours['reports_expected']}; "
        f"{ours['requests']} requests = {ours['requests_per_report']:.2f} requests/report "
        f"(target ≤ {MAX_REQUESTS_PER_REPORT:g})"
    )
    ok = (
        ours["pages_per_second"] >= bench["pages_per_second"]
        and ours["requests_per_report"] <= MAX_REQUESTS_PER_REPORT
        and ours["reports"] == ours["reports_expected"]
    )
    print("  targets met" if ok else "  TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
