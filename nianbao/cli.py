"""``nianbao`` command line: one subcommand per job, each in ``nianbao/commands/<name>.py``.

A command module exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Only the module of the command being run is imported (``serve`` pulls in Datasette, ``crawl``
Scrapy), so a nightly cron line does not pay for the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("parse", "crawl", "store", "serve", "nightly")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every subcommand, or with ``only`` that one."""
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告 → canonical data (parse, crawl, serve, nightly).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        module = importlib.import_module(f"nianbao.commands.{name}")
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named first on the command line, if it is one of ours."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nianbao`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command_in(argv)).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("nianbao: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
