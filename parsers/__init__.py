"""Annual reports (HTML pages in any encoding, plain text, PDF/Word files) to canonical data.

``parse_report(data, url=…, content_type=…, filename=…)`` is the entry point
(:mod:`parsers.parse`); the canonical record is :class:`parsers.schema.Report`. The entry point
is imported on first use, so ``import parsers.schema`` loads the schema alone.
"""

from __future__ import annotations

from typing import Any

__all__ = ["parse_report"]


def __getattr__(name: str) -> Any:
    if name == "parse_report":
        from parsers.parse import parse_report

        return parse_report
    raise AttributeError(f"module 'parsers' has no attribute {name!r}")
