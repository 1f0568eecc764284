"""``nianbao serve --db PATH``: publish the database with Datasette (read-only, with metadata)."""

from __future__ import annotations

import argparse
import sys

from nianbao.serving import DEFAULT_HOST, DEFAULT_PORT, ServeError, serve_database

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


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; a missing or unreadable database is a one-line error (status 2)."""
    try:
        return serve_database(args.db, host=args.host, port=args.port)
    except ServeError as exc:
        print(f"nianbao serve: {exc}", file=sys.stderr)
        return 2
