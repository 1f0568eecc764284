"""Body identity across years: which reports are the series of one publishing body.

A body keeps its report id only while its name stays the same (``storage.ids``); a township
renamed a 街道, or a bureau merged and renamed, would start a new series. Here reports are
joined into one body when, on the same site,

- their normalised agency (else the name read from the title) is the same, or
- they carry the same organisation code: a 统一社会信用代码 printed in the report, else the
  part of the 索引号 before its first ``/`` or ``-`` (``11610527016130358X/2023-00012``).

A code is only trusted when it names one body in each year: portals that stamp every document
with the county government's code give one code to many agencies of the same year, and such a
code joins nothing. ``refresh_bodies`` rebuilds the tables ``bodies`` (one row per body) and
``report_bodies`` (report → body) from ``reports``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from storage.ids import normalise, normalise_agency

# GB 32100: 18 characters, registry authority + type, 6-digit region, 9 organisation, check.
_CREDIT_CODE = re.compile(
    r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])"
)
_CODE_SPLIT = re.compile(r"[/／\-－—–]")
_YEAR = re.compile(r"^(19|20)\d\d$")
_TITLE_NOISE = re.compile(
    r"((19|20)\d\d\s*年度?|关于|政府信息公开工作年度报告|政府信息公开年度报告|年度报告|的$)"
)
CREDIT_MARK = "统一社会信用代码"


def org_code(index_no: str | None, credit_text: str | None = None) -> str | None:
    """The organisation code of a report: its 统一社会信用代码, else the 索引号's first part.

    ``credit_text`` is the text printed after 统一社会信用代码 (if any). A first part that is a
    year, or shorter than 6 characters, is no organisation code.
    """
    for text in (credit_text, index_no):
        found = _CREDIT_CODE.search(unicodedata.normalize("NFKC", text or "").upper())
        if found:
            return found.group(0)
    if not index_no:
        return None
    first = _CODE_SPLIT.split(unicodedata.normalize("NFKC", index_no).strip(), maxsplit=1)[0]
    first = normalise(first).upper()
    if len(first) < 6 or _YEAR.match(first) or not first.isascii():
        return None
    return first


def body_name(agency: str | None, title: str | None) -> str:
    """The normalised name of the publishing body: its agency, else what the title names."""
    name = normalise_agency(agency)
    if name:
        return name
    return normalise_agency(_TITLE_NOISE.sub("", normalise(title)))


@dataclass
class _Report:
    id: str
    site: str
    year: int | None
    name: str
    shown: str  # the agency as printed (or the title)
    code: str | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None


class _Groups:
    """Union-find over keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = self.parent.setdefault(key, key)
        while root != self.parent[root]:
            root = self.parent[root]
        while key != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _read_reports(db: sqlite_utils.Database) -> list[_Report]:
    sql = f"""select id, coalesce(site, ''), year, agency, title, index_no, level,
        province, city, county,
        case when instr(text, '{CREDIT_MARK}') > 0
          then substr(text, instr(text, '{CREDIT_MARK}'), 40) end
        from reports"""
    rows = []
    for rid, site, year, agency, title, index_no, level, prov, city, county, credit in db.execute(
        sql
    ).fetchall():
        name = body_name(agency, title) or rid
        rows.append(
            _Report(
                rid,
                site,
                year,
                name,
                agency or title or rid,
                org_code(index_no, credit),
                level,
                prov,
                city,
                county,
            )
        )
    return rows


def _trusted_codes(reports: Iterable[_Report]) -> set[tuple[str, str]]:
    """(site, code) pairs that name one body per year (not a portal-wide stamp)."""
    names: dict[tuple[str, str, int | None], set[str]] = defaultdict(set)
    for r in reports:
        if r.code:
            names[(r.site, r.code, r.year)].add(r.name)
    shared = {(site, code) for (site, code, _), n in names.items() if len(n) > 1}
    return {(site, code) for (site, code, _) in names} - shared


def group_bodies(reports: list[_Report]) -> dict[str, list[_Report]]:
    """Reports grouped by body; the key is the body id (``site:code`` or ``site:name``)."""
    groups = _Groups()
    trusted = _trusted_codes(reports)
    for r in reports:
        name_key = f"name\t{r.site}\t{r.name}"
        groups.find(name_key)
        if r.code and (r.site, r.code) in trusted:
            groups.union(name_key, f"code\t{r.site}\t{r.code}")
    members: dict[str, list[_Report]] = defaultdict(list)
    for r in reports:
        members[groups.find(f"name\t{r.site}\t{r.name}")].append(r)
    bodies = {}
    for group in members.values():
        group.sort(key=lambda r: (r.year or 0, r.id))
        codes = sorted({r.code for r in group if r.code and (r.site, r.code) in trusted})
        site = group[0].site
        bodies[f"{site}:{codes[0] if codes else group[0].name}"] = group
    return bodies


def _body_row(body_id: str, group: list[_Report]) -> dict:
    latest = group[-1]
    years: dict[str, list[int]] = defaultdict(list)
    for r in group:
        if r.year is not None and r.year not in years[r.shown]:
            years[r.shown].append(r.year)
    years_seen = sorted({r.year for r in group if r.year is not None})
    codes = sorted({r.code for r in group if r.code})
    return {
        "id": body_id,
        "site": latest.site or None,
        "name": latest.shown,
        "names": json.dumps(years, ensure_ascii=False) if len(years) > 1 else None,
        "renamed": int(len({r.name for r in group}) > 1),
        "org_code": ", ".join(codes) or None,
        "level": latest.level,
        "province": latest.province,
        "city": latest.city,
        "county": latest.county,
        "first_year": years_seen[0] if years_seen else None,
        "last_year": years_seen[-1] if years_seen else None,
        "reports": len(group),
    }


BODY_COLUMNS = {
    "id": str, "site": str, "name": str, "names": str, "renamed": int, "org_code": str,
    "level": str, "province": str, "city": str, "county": str,
    "first_year": int, "last_year": int, "reports": int,
}  # fmt: skip


def refresh_bodies(db: sqlite_utils.Database) -> int:
    """Rebuild ``bodies`` and ``report_bodies`` from ``reports``; returns the number of bodies."""
    bodies = group_bodies(_read_reports(db))
    with db.atomic():
        for table in ("report_bodies", "bodies"):
            db.execute(f"drop table if exists [{table}]")
        db["bodies"].create(BODY_COLUMNS, pk="id")
        db["report_bodies"].create(
            {"report_id": str, "body_id": str, "year": int, "name": str},
            pk="report_id",
            foreign_keys=[("report_id", "reports", "id"), ("body_id", "bodies", "id")],
        )
        db["bodies"].insert_all(_body_row(bid, group) for bid, group in bodies.items())
        db["report_bodies"].insert_all(
            {"report_id": r.id, "body_id": bid, "year": r.year, "name": r.shown}
            for bid, group in bodies.items()
            for r in group
        )
        db["report_bodies"].create_index(["body_id", "year"])
        db["bodies"].create_index(["province", "city", "county"])
    return len(bodies)
