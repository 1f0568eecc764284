"""``nianbao store``: the one writer of a distributed crawl (``nianbao crawl --redis URL``).

    nianbao store --redis redis://host:6379/0 --db data/nianbao.db

Pops the parsed pages the workers pushed to Redis and writes them with the storage code of a
single-process crawl, until the crawl is finished and its queue empty; then removes the
crawl's Redis keys (``--keep`` leaves them). Exits 1 when a site yielded no report or a
database write failed, 2 (one line) when the Redis does not answer.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

HELP = "write the items of a distributed crawl (nianbao crawl --redis) into SQLite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--redis", metavar="URL", required=True, help="Redis of the crawl")
    parser.add_argument("--db", metavar="PATH", required=True, help="SQLite database")
    parser.add_argument("--spider", default="annual_reports", help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the crawl's Redis keys")


def run(args: argparse.Namespace) -> int:
    from crawler import stats as keys
    from nianbao.redisconn import RedisUnavailable, check_redis
    from pipelines.queue import consume

    try:
        check_redis(args.redis)
    except (ValueError, RedisUnavailable) as exc:
        print(f"nianbao store: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s: %(message)s")
    Path(args.db).resolve().parent.mkdir(parents=True, exist_ok=True)
    done = consume(args.redis, str(Path(args.db).resolve()), spider=args.spider, keep=args.keep)
    stats = done.stats
    errors = stats.get(keys.STORE_ERRORS, 0)
    counts = ", ".join(f"{o} {n}" for o, n in keys.report_counts(stats).items() if o != "failed")
    print(f"messages stored:  {done.messages}")
    print(f"reports:          {counts}")
    for site in done.failed_sites:
        print(f"NO REPORT FOUND:  {site}")
    if errors:
        print(f"NOT STORED:       {errors} database writes failed (see the log)")
    return 1 if done.failed_sites or errors else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m nianbao.commands.store`` (same as ``nianbao store``)."""
    parser = argparse.ArgumentParser(prog="nianbao store", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
