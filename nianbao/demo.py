"""``make demo``: crawl the bundled sample portals into ``data/nianbao.db`` and publish it.

Serves the mock county portals of ``samples/portals/`` on 127.0.0.1, crawls them with
``nianbao crawl --sites`` (a subprocess: a fresh Scrapy reactor), prepares the database for
immutable serving and starts Datasette, printing its URL. The portals keep serving meanwhile,
so the reports' links work. Ctrl-C stops everything.

    python -m nianbao.demo [--db data/nianbao.db] [--port 8001] [--host 127.0.0.1] [--no-serve]

A database already at ``--db`` is kept as ``<db>.previous``. The port is checked before the
crawl (exit 2 when it is taken; ``make demo PORT=8002``); exit 1 when the crawl stored no
report.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path

import sqlite_utils

from crawler.sites import Site
from nianbao.nightly import publish
from nianbao.serving import DEFAULT_HOST, DEFAULT_PORT, ServeError, port_problem, serve_database
from nianbao.testing.portalserver import PORTALS_DIR, SITES, PortalServer, serve_portals

DEFAULT_DB = Path("data/nianbao.db")
SITE_COLUMNS = tuple(f.name for f in fields(Site))  # the registry's CSV header
PORTALS_LIFETIME = 7 * 24 * 3600.0  # the sample portals serve as long as the demo runs
CRAWL_TIMEOUT = 600  # seconds; the sample portals crawl in well under a minute
EXIT_FAILED = 1  # the crawl stored no report, or the database cannot be served
EXIT_PORT_IN_USE = 2  # --port cannot be listened on (checked before crawling)


def write_sites_csv(portals: dict[str, PortalServer], path: Path) -> Path:
    """The sites registry of the running sample portals (regions from their expected.json)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=SITE_COLUMNS)
        writer.writeheader()
        for key, portal in portals.items():
            expected = json.loads((PORTALS_DIR / key / "expected.json").read_text(encoding="utf-8"))
            writer.writerow(
                {
                    "id": f"sample-{key}",
                    "name": expected.get("name") or key,
                    "province": expected.get("province"),
                    "city": expected.get("city"),
                    "county": expected.get("county"),
                    "level": "county",
                    "cms_style": expected.get("cms_style"),
                    "start_url": portal.url(expected.get("start_path", "/index.html")),
                    "note": "bundled sample portal (make demo)",
                }
            )
    return path


def crawl(sites_csv: Path, db: Path, workdir: Path) -> int:
    """Run ``nianbao crawl`` on the sites into ``db``; its exit status."""
    argv = [
        sys.executable, "-m", "nianbao", "crawl", "--sites", str(sites_csv), "--db", str(db),
        "--settings", "crawler.settings.test",  # local portals: no throttling needed
        "--httpcache", str(workdir / "httpcache"), "--files", str(workdir / "files"),
    ]  # fmt: skip
    env = dict(os.environ, NIANBAO_DATA=str(workdir))
    return subprocess.run(argv, env=env, timeout=CRAWL_TIMEOUT, check=False).returncode


def finalize(db: Path) -> dict[str, int]:
    """Fold the write-ahead log into the file (immutable serving ignores it); report counts."""
    publish.seal(db)
    database = sqlite_utils.Database(db)
    try:
        return {
            table: database[table].count
            for table in ("sites", "reports", "applications", "findings")
        }
    finally:
        database.close()


def build(db: Path, portals: dict[str, PortalServer] | None = None) -> dict[str, int]:
    """Crawl the sample portals (started here unless given) into a fresh ``db``.

    The old database is kept as ``<db>.previous``; the new one replaces it only when the crawl
    stored reports.
    """
    if portals is None:
        with serve_portals(SITES) as started:
            return build(db, started)
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(db.name + ".building")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-demo-") as tmp:
        workdir = Path(tmp)
        sites_csv = write_sites_csv(portals, workdir / "sites.csv")
        print(f"Crawling {len(portals)} sample portals on 127.0.0.1 …", flush=True)
        status = crawl(sites_csv, building, workdir)
    if not building.exists():
        raise ServeError(f"the crawl stored nothing (exit status {status})")
    counts = finalize(building)
    if not counts["reports"]:
        raise ServeError(f"the crawl found no report (exit status {status})")
    if db.exists():
        os.replace(db, db.with_name(db.name + ".previous"))
    os.replace(building, db)
    return counts


def main(argv: list[str] | None = None) -> int:
    """Build the demo database and (unless ``--no-serve``) serve it until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m nianbao.demo", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB, help=f"database (default {DEFAULT_DB})"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--no-serve", action="store_true", help="build the database and stop")
    args = parser.parse_args(argv)
    problem = None if args.no_serve else port_problem(args.host, args.port)
    if problem:  # say so before a minute of crawling, not after
        print(
            f"nianbao demo: {problem}; choose another: make demo PORT={args.port + 1}"
            f" (or python -m nianbao.demo --port {args.port + 1})",
            file=sys.stderr,
        )
        return EXIT_PORT_IN_USE
    try:
        # The portals stay up while Datasette runs, so the reports' links work; Ctrl-C ends both.
        with serve_portals(SITES, lifetime=PORTALS_LIFETIME) as portals:
            counts = build(args.db, portals)
            print(
                f"Built {args.db}: {counts['reports']} reports from {counts['sites']} sites,"
                f" {counts['applications']} application cells, {counts['findings']} findings.",
                flush=True,
            )
            if args.no_serve:
                return 0
            return serve_database(args.db, host=args.host, port=args.port)
    except ServeError as exc:
        print(f"nianbao demo: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("nianbao demo: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
