"""Annual reports (HTML pages in any encoding, plain text, PDF/Word files) to canonical data.

``parse_report(data, url=…, content_type=…, filename=…)`` is the entry point; the canonical
record is :class:`parsers.schema.Report`.
"""

from parsers.report import parse_report

__all__ = ["parse_report"]
