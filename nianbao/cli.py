"""``nianbao`` command line: one subcommand per job, each in ``nianbao/commands/<name>.py``.

A command module exposes ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = ("parse", "crawl", "serve", "nightly")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告 → canonical data (parse, crawl, serve, nightly).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"nianbao.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name != f"nianbao.commands.{name}":
                raise
            continue
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nianbao`` script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("nianbao: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
