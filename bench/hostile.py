"""Hostile-portal benchmark: per case, what one crawl of it costs.

    python bench/hostile.py [--case /h/stall.html]

Crawls the hostile mock portal (``nianbao.testing.hostile``) once per case, the home page
linking only that case (``trap``: the endless list beside the real one; ``refused``: the links
to other hosts, ``file:``, loopback and private addresses; ``all``: everything at once), with
the limits of ``tests/test_hostile.py`` (``crawler.settings.test``: DOWNLOAD_MAXSIZE 8 MiB,
DOWNLOAD_TIMEOUT 3 s, 2 retries, REDIRECT_MAX_TIMES 10, NIANBAO_LIST_PAGES 5; parser worker
20 s / 1 GiB). Prints per case: seconds, requests the portal answered, bytes the portal sent,
bytes of the responses the crawler completed (``downloader/response_bytes``: a cut download
is not counted), the crawl's peak RSS (largest of the
crawl and its parser worker), refusals recorded and reports stored. Target: every case under
DOWNLOAD_TIMEOUT × (RETRY_TIMES + 1) + a few seconds, peak RSS under 400 MB. ``exit 1``
is ``nianbao crawl`` saying the site gave no report (every case but the valid ones).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

from nianbao.testing.hostile import HostilePortal, crawl_hostile, serve_hostile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="only these cases (default: all)")
    args = parser.parse_args()
    cases = args.case or [*HostilePortal.HOSTILE, "trap", "refused", "all"]
    print(f"{'case':28} {'s':>6} {'req':>5} {'sent':>11} {'read':>11} {'RSS MB':>7} ref rep")
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            work = Path(tmp) / case.strip("/").replace("/", "_")
            with serve_hostile(lifetime=120, only=None if case == "all" else case) as portal:
                crawl = crawl_hostile(portal, work)
                requests = portal.requests
            db = sqlite3.connect(crawl.db_path)
            refused = (
                db.execute("select count(*) from refused_urls").fetchone()[0]
                if any(db.execute("select 1 from sqlite_master where name = 'refused_urls'"))
                else 0
            )
            reports = db.execute("select count(*) from reports").fetchone()[0]
            db.close()
            print(
                f"{case:28} {crawl.seconds:6.1f} {len(requests):5d} "
                f"{sum(r.sent for r in requests):11d} "
                f"{crawl.stats.get('downloader/response_bytes', 0):11d} "
                f"{crawl.peak_rss_mb:7.0f} {refused:3d} {reports:3d}"
                + ("" if crawl.returncode == 0 else f"  exit {crawl.returncode}")
            )


if __name__ == "__main__":
    main()
