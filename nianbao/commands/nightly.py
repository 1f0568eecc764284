"""``nianbao nightly``: the unattended crawl, published atomically (see ``nianbao.nightly``)."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

from nianbao.nightly.run import NightlyOptions, run_nightly
from nianbao.nightly.summary import EXIT_BAD_INPUT, EXIT_CRAWL_FAILED, EXIT_MEANINGS

HELP = "crawl every site into a working copy and publish it atomically (for cron/systemd)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sites", required=True, type=Path, help="sites CSV (the registry)")
    parser.add_argument("--db", required=True, type=Path, help="the published database")
    parser.add_argument(
        "--workdir", type=Path, help="HTTP cache, logs, run in progress (default: DB_DIR/nightly)"
    )
    parser.add_argument(
        "--max-failed-nights", type=int, default=3, metavar="N",
        help="exit 3 when a site failed N runs in a row (default 3)",
    )  # fmt: skip
    parser.add_argument(
        "--max-parse-failure-rate", type=float, default=0.2, metavar="X",
        help="exit 4 when more than this share of reports failed to parse (default 0.2)",
    )  # fmt: skip
    parser.add_argument(
        "--keep", type=int, default=3, metavar="N",
        help="dated previous versions kept beside the database (default 3; DB.previous always)",
    )  # fmt: skip
    parser.add_argument("--settings", help="Scrapy settings module (default: production)")
    parser.add_argument(
        "--wait-lock", type=float, default=60.0, metavar="SECONDS",
        help="wait this long for a previous run still holding the workdir (default 60)",
    )  # fmt: skip
    parser.add_argument(
        "--after-publish", metavar="COMMAND",
        help="shell command run after a successful swap (e.g. restart Datasette)",
    )  # fmt: skip
    parser.add_argument(
        "--redis", metavar="URL",
        help="share the crawl through this Redis: workers anywhere (`nianbao crawl --redis URL "
        "--sites CSV`), this process writes and publishes",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=int, metavar="K",
        help="with --redis: local worker processes to start (default 1; 0: only others)",
    )  # fmt: skip
    parser.add_argument(
        "--wait-workers", type=float, metavar="SECONDS",
        help="with --redis: stop (exit 5, resumed next run) when no worker has been alive this "
        "long before the crawl finished (default 600)",
    )  # fmt: skip
    parser.epilog = "exit status: " + "; ".join(f"{k} {v}" for k, v in EXIT_MEANINGS.items())


def writable_dir_problem(path: Path) -> str | None:
    """Why the directory ``path`` cannot be created or written, or None when it can."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create {path}: {exc.strerror or exc}"
    if not os.access(path, os.W_OK | os.X_OK):
        return f"cannot write in {path}: permission denied"
    return None


def run(args: argparse.Namespace) -> int:
    if args.max_failed_nights < 1 or not 0 <= args.max_parse_failure_rate <= 1 or args.keep < 0:
        print(
            "nianbao nightly: --max-failed-nights ≥ 1, 0 ≤ --max-parse-failure-rate ≤ 1, --keep ≥ 0"
        )
        return EXIT_BAD_INPUT
    if not args.redis and (args.workers is not None or args.wait_workers is not None):
        print("nianbao nightly: --workers and --wait-workers go with --redis URL")
        return EXIT_BAD_INPUT
    workers = 1 if args.workers is None else args.workers
    wait_workers = 600.0 if args.wait_workers is None else args.wait_workers
    if workers < 0 or wait_workers <= 0:
        print("nianbao nightly: --workers ≥ 0, --wait-workers > 0")
        return EXIT_BAD_INPUT
    options = NightlyOptions(
        sites=args.sites,
        db=args.db,
        workdir=args.workdir,
        max_failed_nights=args.max_failed_nights,
        max_parse_failure_rate=args.max_parse_failure_rate,
        keep=args.keep,
        settings=args.settings,
        wait_lock=args.wait_lock,
        after_publish=args.after_publish,
        redis=args.redis,
        workers=workers,
        wait_workers=wait_workers,
    )
    if args.db.is_dir():
        print(f"nianbao nightly: --db {args.db} is a directory, not a database file")
        return EXIT_BAD_INPUT
    for directory in dict.fromkeys((args.db.parent, options.work)):
        problem = writable_dir_problem(directory)
        if problem:
            print(f"nianbao nightly: {problem} (--db / --workdir)")
            return EXIT_BAD_INPUT
    try:
        return run_nightly(options)
    except (OSError, sqlite3.Error) as exc:  # disk full, a file taken away mid-run: one line
        print(f"nianbao nightly: not published: {exc}")
        return EXIT_CRAWL_FAILED
