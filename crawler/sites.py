"""The sites registry: the county portals to crawl (``sites/*.csv``)."""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Site:
    """A portal to crawl, and the region its reports belong to."""

    id: str
    name: str
    start_url: str
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: str | None = None  # county / township / department / city
    cms_style: str | None = None
    note: str | None = None
    attachment_hosts: str | None = None  # other hosts serving its files (comma-separated)


def site_id_for(start_url: str) -> str:
    """A stable id for a portal: its host (plus a short hash of the path when it has one)."""
    parts = urlsplit(start_url)
    host = parts.netloc.lower()
    path = parts.path.strip("/")
    if not path or path in {"index.html", "index.htm", "index.shtml"}:
        return host
    return f"{host}-{hashlib.sha1(path.encode()).hexdigest()[:8]}"


def site_from_url(url: str, name: str | None = None) -> Site:
    """A site known only by its start URL (``nianbao crawl URL``)."""
    return Site(id=site_id_for(url), name=name or urlsplit(url).netloc, start_url=url)


def load_sites(path: str | Path) -> list[Site]:
    """Read a sites CSV (columns at least name, province, city, county, start_url)."""
    sites: list[Site] = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            start_url = (row.get("start_url") or row.get("url") or "").strip()
            if not start_url:
                logger.warning(
                    "%s line %d: %s has no start_url; skipped",
                    path,
                    reader.line_num,
                    row.get("name") or row.get("id") or "a row",
                )
                continue
            cell = {k: (v or "").strip() or None for k, v in row.items() if k}  # blank: None
            cell["id"] = cell.get("id") or site_id_for(start_url)
            cell["name"] = cell.get("name") or urlsplit(start_url).netloc
            cell["start_url"] = start_url
            sites.append(Site(**{f.name: cell.get(f.name) for f in fields(Site)}))
    return sites
