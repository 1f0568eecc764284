"""The ``nianbao`` entry point: subcommands, and only the chosen command's imports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nianbao.cli import COMMANDS, build_parser
from tests.paths import SAMPLES

SAMPLE = SAMPLES / "000_f356be7c5f5db8bc.txt"


def test_every_command_is_registered() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["bogus"])
    assert exc.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_parse_imports_neither_datasette_nor_scrapy() -> None:
    code = (
        "import sys; from nianbao.cli import main; "
        f"rc = main(['parse', {str(SAMPLE)!r}]); "
        "heavy = sorted(m for m in ('datasette', 'scrapy') if m in sys.modules); "
        "print('HEAVY', heavy, file=sys.stderr); sys.exit(rc)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"agency": "瓦屋镇"' in done.stdout
    assert "HEAVY []" in done.stderr
