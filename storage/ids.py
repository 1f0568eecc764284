"""Stable keys for reports: the report id, the content hash, and the level guessed from an agency.

The report id decides when two copies are *one* report. It is built from the site and what the
report says about itself, never from the URL, so the same report reached by two URLs (a page
and its PDF attachment, a mirror path, a changed CMS link) is stored once:

1. ``site + year + agency`` (agency normalised: NFKC, no spaces or punctuation, without a
   trailing 人民政府/政府) when both year and agency are known — one agency publishes one annual
   report per year;
2. else ``site + title`` (normalised the same way);
3. else ``site + content hash`` (cells and metadata), so an untitled file is at least stable.

Two *different* reports that collide on this key show up as a ``sources_differ`` finding on the
report (its sources disagree), so a collision is visible, never silent.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

from parsers.schema import Report

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|政府)$")
_DEPARTMENT_END = re.compile(r"(局|委员会|委|办公室|办|中心)$")
_TOWNSHIP_END = re.compile(r"(镇|乡|街道)(人民政府|政府|办事处)?$")
_COUNTY_END = re.compile(r"(县|区|旗)$")
_DEPARTMENT_ANY = re.compile(r"局|委|办|中心")
_TOWNSHIP_ANY = re.compile(r"镇|乡|街道")


def normalise(text: str | None) -> str:
    """Text reduced for comparison: NFKC, no whitespace, no punctuation."""
    if not text:
        return ""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def normalise_agency(agency: str | None) -> str:
    """An agency name for comparison: 瓦屋镇人民政府 and 瓦 屋 镇 both give 瓦屋镇."""
    name = normalise(agency)
    stripped = _GOVERNMENT_SUFFIX.sub("", name)
    return stripped or name


def content_hash(report: Report) -> str:
    """sha256 of what the report says: metadata, cells and findings (not the URL, not the text).

    The page text is left out on purpose: portals print visitor counters and dates around the
    report, which would make every crawl look like a change.
    """
    data = [
        [report.title, report.agency, report.year, report.template, report.published],
        [report.index_no, report.publisher],
        [[c.item, c.metric, c.value, c.raw, c.unit] for c in report.active_disclosure],
        [[c.row, c.applicant, c.value, c.raw] for c in report.applications],
        [[c.proceeding, c.outcome, c.value, c.raw] for c in report.review_litigation],
        [[f.rule, f.severity, f.message, f.keys] for f in report.findings],
    ]
    blob = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def report_id_for(site: str | None, report: Report) -> str:
    """The stable id of ``report`` found on ``site`` (see the module docstring)."""
    agency = normalise_agency(report.agency)
    title = normalise(report.title)
    if report.year is not None and agency:
        key: list[Any] = ["agency-year", site or "", report.year, agency]
    elif title:
        key = ["title", site or "", title]
    else:
        key = ["content", site or "", content_hash(report)]
    digest = hashlib.sha1(json.dumps(key, ensure_ascii=False).encode()).hexdigest()
    return digest[:16]


def level_for(agency: str | None, site_level: str | None) -> str | None:
    """``township`` (镇/乡/街道), ``department`` (局/委/办/中心), ``county`` (县/区/旗 政府) or else
    the site's own level.

    The name's ending decides first (县乡村振兴局 is a department, 街道办事处 a township, 乡宁县
    人民政府 a county), then any marker in it. A 市人民政府 is the site's level (a county-level
    city on a county portal), ``county`` when the site's level is unknown: nianbao crawls
    county portals.
    """
    name = normalise(agency)
    if not name:
        return site_level
    if _DEPARTMENT_END.search(name):
        return "department"
    if _TOWNSHIP_END.search(name):
        return "township"
    government = _GOVERNMENT_SUFFIX.sub("", name)
    if _COUNTY_END.search(government):
        return "county"
    if government.endswith("市"):
        return site_level or "county"
    if _DEPARTMENT_ANY.search(name):
        return "department"
    if _TOWNSHIP_ANY.search(name):
        return "township"
    return site_level
