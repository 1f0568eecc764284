"""The sites registry: the county portals to crawl (``sites/*.csv``)."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Iterable
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


_HOST = re.compile(r"^(localhost|[\w-]+(\.[\w-]+)+)(:\d+)?([/?#].*)?$")


class BadURL(ValueError):
    """A start URL that is no http(s) URL: the message says what was given and what is wanted."""


def check_start_url(url: str) -> tuple[str, str | None]:
    """``url`` as an http(s) URL to crawl, and a note when it was fixed; else ``BadURL``.

    A host without a scheme (``www.baishui.gov.cn/xxgk``) gets ``http://`` (portals that
    serve https redirect there); a word (``notaurl``), another scheme or no host is refused.
    """
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme in {"http", "https"} and parts.hostname:
        return text, None
    if "://" not in text and _HOST.match(text):
        fixed = f"http://{text}"
        return fixed, f"{text} has no scheme: crawling {fixed}"
    if parts.scheme and parts.scheme not in {"http", "https"} and "://" in text:
        raise BadURL(f"not an http(s) URL: {text!r} (scheme {parts.scheme}:)")
    raise BadURL(
        f"not a URL: {text!r} (expected a portal address such as http://www.example.gov.cn/)"
    )


def read_sites_text(path: str | Path) -> tuple[str, str]:
    """The text of a sites CSV and its encoding: UTF-8 (with or without BOM), else GB18030.

    Excel and WPS on Chinese Windows save "CSV" in GBK, which GB18030 contains; a file that
    is neither raises ``UnicodeDecodeError`` (save it as "CSV UTF-8").
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def load_sites(path: str | Path) -> list[Site]:
    """Read a sites CSV (columns at least name, province, city, county, start_url).

    UTF-8 or GBK/GB18030 (logged); a start_url without scheme gets ``http://`` (logged).
    """
    sites: list[Site] = []
    text, encoding = read_sites_text(path)
    if encoding != "utf-8":
        logger.warning("%s is not UTF-8: read as %s (GBK)", path, encoding)
    with io.StringIO(text, newline="") as fh:
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
            try:
                start_url, note = check_start_url(start_url)
            except BadURL as exc:
                logger.warning("%s line %d: %s; skipped", path, reader.line_num, exc)
                continue
            if note:
                logger.warning("%s line %d: %s", path, reader.line_num, note)
            cell = {k: (v or "").strip() or None for k, v in row.items() if k}  # blank: None
            cell["id"] = cell.get("id") or site_id_for(start_url)
            cell["name"] = cell.get("name") or urlsplit(start_url).netloc
            cell["start_url"] = start_url
            sites.append(Site(**{f.name: cell.get(f.name) for f in fields(Site)}))
    return sites


_PROVINCE = re.compile(
    r"([\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}自治区|北京市|天津市|上海市|重庆市)"
)
_CITY = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:市|自治州|州|盟|地区))(?=[\u4e00-\u9fff]{1,8}?(?:县|区|旗|市))"
)
_COUNTY = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:自治县|县|区|旗|市))(?:人民政府|政府)")


def region_from_names(names: Iterable[str | None]) -> dict[str, str | None]:
    """Province, city and county read from a portal's names (agencies, titles, page text).

    The county is the most frequent ``…县/区/旗/市人民政府``; the city the most frequent
    ``…市/州`` printed right before it, the province the most frequent ``…省/自治区``. What
    the names do not say stays None: no gazetteer is guessed from.
    """
    texts = [t for t in names if t]
    provinces = Counter(m for t in texts for m in _PROVINCE.findall(t))
    province = provinces.most_common(1)[0][0] if provinces else None
    bare = [_PROVINCE.sub(" ", t) for t in texts]  # the rest of each text, province cut out
    counties = Counter(_CITY.sub("", m) or m for t in bare for m in _COUNTY.findall(t))
    county = counties.most_common(1)[0][0] if counties else None
    cities: Counter[str] = Counter()
    if county:
        before = re.compile(r"([\u4e00-\u9fff]{2,6}?(?:市|自治州|州|盟|地区))" + re.escape(county))
        cities.update(m for t in bare for m in before.findall(t))
    city = cities.most_common(1)[0][0] if cities else None
    if city == province:
        city = None
    return {"province": province, "city": city, "county": county}
