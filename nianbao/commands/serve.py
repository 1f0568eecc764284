"""``nianbao serve --db PATH``: publish the database with Datasette (read-only, with metadata)."""

from __future__ import annotations

import argparse
import sys

from nianbao.serving import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    ServeError,
    parse_settings,
    serve_database,
)

HELP = "publish a nianbao database with Datasette (immutable, with descriptions and queries)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``nianbao serve``."""
    parser.add_argument("--db", required=True, help="the SQLite database (e.g. data/nianbao.db)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"interface to listen on (default {DEFAULT_HOST}; 0.0.0.0 publishes to the network)",
    )
    parser.add_argument(
        "--setting",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a Datasette setting, as datasette --setting (repeatable: sql_time_limit_ms 2000)",
    )
    parser.add_argument(
        "--base-url", metavar="PATH", help="served under this path behind a proxy (e.g. /nianbao/)"
    )
    parser.add_argument(
        "--cors", action="store_true", help="send Access-Control-Allow-Origin: * (JSON API)"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; a missing or unreadable database, a bad setting or a port in use is a
    one-line error (status 2)."""
    pairs = list(args.setting) + ([("base_url", args.base_url)] if args.base_url else [])
    try:
        settings = parse_settings(pairs)
        return serve_database(
            args.db, host=args.host, port=args.port, settings=settings, cors=args.cors
        )
    except ServeError as exc:
        print(f"nianbao serve: {exc}", file=sys.stderr)
        return 2
