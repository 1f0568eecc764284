"""``nianbao crawl``: run the spider ``annual_reports`` on portals and store what it finds.

    nianbao crawl URL [URL…] --db data/nianbao.db
    nianbao crawl --sites sites/registry.csv --db data/nianbao.db

Prints a summary from the crawl's stats (a site without reports with the reason: connection
refused, DNS lookup failed, timed out, … or no page read as a report). Exit status
(``EXIT_MEANINGS``): 0 all good; 1 a site failed (down, or no report: ``crawler.outcomes``) or
a database write failed (stat ``nianbao/store/errors``; the run is ``finished_with_errors``); 2
bad input, checked before crawling, one line each: not a URL (a host without ``http://`` gets
it, with a note), a sites CSV missing or neither UTF-8 nor GBK (GBK is read, with a note), a
database that cannot be written, a bad ``-s``. Sites given as bare URLs get their
province/city/county from their reports.
The summary has a line per site (reports, list pages, rejected pages, pages rendered in the
browser, pages that needed one when none was installed, named).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

from crawler import stats as keys
from crawler.items import PageItem
from crawler.outcomes import site_outcomes
from crawler.sites import load_sites

HELP = "crawl county portals for annual reports (Scrapy spider annual_reports)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="*", metavar="URL", help="portal home pages to crawl")
    parser.add_argument("--sites", metavar="CSV", help="sites registry (name,…,start_url)")
    parser.add_argument("--db", metavar="PATH", help="SQLite database (setting NIANBAO_DB)")
    parser.add_argument(
        "--settings",
        metavar="MODULE",
        help="settings module (default: $SCRAPY_SETTINGS_MODULE or crawler.settings)",
    )
    parser.add_argument(
        "-s", "--set", action="append", default=[], metavar="NAME=VALUE", help="override a setting"
    )
    parser.add_argument("--httpcache", metavar="DIR", help="HTTPCACHE_DIR (incremental crawls)")
    parser.add_argument("--files", metavar="DIR", help="FILES_STORE for attachments")
    parser.add_argument("--items", metavar="PATH", help="also write items as JSON lines (no body)")
    parser.add_argument("--stats", metavar="PATH", help="write the final stats as JSON")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="a worker of a crawl shared in Redis (items go to `nianbao store`; --db, if given, "
        "is only read, to skip pages unchanged since it was written)",
    )


def build_settings(args: argparse.Namespace) -> Any:
    """Project settings with the command's overrides."""
    if args.settings:
        os.environ["SCRAPY_SETTINGS_MODULE"] = args.settings
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for pair in args.set:
        name, sep, value = pair.partition("=")
        if not sep:
            raise BadInput(f"-s expects NAME=VALUE, got {pair!r}")
        if value.startswith(("{", "[")):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise BadInput(f"-s {name}: not valid JSON ({exc})") from exc
        settings.set(name.strip(), value, priority="cmdline")
    if args.db:
        settings.set("NIANBAO_DB", str(Path(args.db).resolve()), priority="cmdline")
    if args.httpcache:
        settings.set("HTTPCACHE_DIR", str(Path(args.httpcache).resolve()), priority="cmdline")
    if args.files:
        settings.set("FILES_STORE", str(Path(args.files).resolve()), priority="cmdline")
    if args.items:
        exported = [f.name for f in fields(PageItem) if f.name != "body"]
        feeds = {
            str(Path(args.items).resolve()): {
                "format": "jsonlines",
                "fields": exported,
                "overwrite": True,
            }
        }
        settings.set("FEEDS", feeds, priority="cmdline")
    if args.redis:
        from crawler.distributed import configure

        configure(settings, args.redis)
        if not args.db:  # a worker reads no database (not the default one: it may be published)
            settings.set("NIANBAO_DB", None, priority="cmdline")
    return settings


EXIT_OK = 0
EXIT_NO_REPORT = 1  # a site gave no report (reason printed), a write failed, or no crawl opened
EXIT_BAD_INPUT = 2  # not a URL, unreadable sites file, database not writable, bad option
EXIT_MEANINGS = {
    EXIT_OK: "every site gave a report and every report was stored",
    EXIT_NO_REPORT: "a site gave no report (reason printed), a database write failed, or the"
    " crawl did not start",
    EXIT_BAD_INPUT: "bad input: not a URL, unreadable sites CSV, database not writable, bad -s, "
    "--redis not answering",
}


class BadInput(Exception):
    """A command-line input that cannot be crawled: the one-line message to print."""


def summarize(stats: dict[str, Any], site_ids: list[str]) -> tuple[list[str], list[str]]:
    """Summary lines, and the ids of the sites that failed (down, or no report: the outcomes
    ``crawler.outcomes`` judged)."""
    outcomes = site_outcomes(stats, site_ids)
    empty = [s for s in site_ids if outcomes[s].failed]
    failures = sum(keys.under(stats, keys.FAILED_PREFIX).values())
    lines = [
        f"sites:            {len(site_ids)}",
        f"pages fetched:    {stats.get('response_received_count', 0)}"
        f" ({stats.get('httpcache/hit', 0)} from cache,"
        f" {stats.get('downloader/response_status_count/304', 0)} not modified)",
        f"reports found:    {stats.get(keys.REPORTS, 0)}",
        f"rejected pages:   {stats.get(keys.REJECTED, 0)}",
        f"attachments:      {stats.get(keys.ATTACHMENTS_STORED, 0)} stored,"
        f" {stats.get(keys.ATTACHMENTS_FAILED, 0)} failed",
        f"failures:         {failures} requests, {stats.get('log_count/ERROR', 0)} errors logged",
        f"budget cut:       {stats.get(keys.BUDGET_CUT, 0)} requests",
    ]
    lines.extend(site_lines(stats, site_ids))
    for site in empty:
        lines.append(f"NO REPORT FOUND:  {site} ({outcomes[site].reason})")
    return lines, empty


def check_urls(urls: list[str]) -> tuple[list[str], list[str]]:
    """The URLs to crawl (``http://`` added where the scheme is missing) and notes; BadInput."""
    from crawler.sites import BadURL, check_start_url

    checked, notes = [], []
    for url in urls:
        try:
            fixed, note = check_start_url(url)
        except BadURL as exc:
            raise BadInput(str(exc)) from None
        checked.append(fixed)
        if note:
            notes.append(note)
    return checked, notes


def check_sites_file(path: str) -> list[str]:
    """Notes on a readable sites CSV with at least one site; BadInput otherwise."""
    from crawler.sites import read_sites_text

    if not Path(path).is_file():
        raise BadInput(f"no such sites file: {path}")
    try:
        _, encoding = read_sites_text(path)
    except UnicodeDecodeError:
        raise BadInput(
            f'{path} is neither UTF-8 nor GBK: save it as "CSV UTF-8" and try again'
        ) from None
    except OSError as exc:
        raise BadInput(f"cannot read sites file {path}: {exc.strerror or exc}") from None
    if not load_sites(path):
        raise BadInput(f"{path} lists no site with a start_url")
    return [f"{path} is not UTF-8: read as GBK (GB18030)"] if encoding != "utf-8" else []


def check_database(path: str) -> None:
    """Open (create or migrate) the database once before crawling; BadInput when it cannot be."""
    from storage import open_db

    try:
        open_db(path).close()
    except (sqlite3.Error, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadInput(f"cannot write the database {path}: {reason}") from None


def check_shared_crawl(url: str) -> None:
    """The Redis of ``--redis`` answers; BadInput (one line) when it does not."""
    from nianbao.redisconn import RedisUnavailable, check_redis

    try:
        check_redis(url)
    except (ValueError, RedisUnavailable) as exc:
        raise BadInput(str(exc)) from None


def fill_regions(db_path: str, site_ids: list[str]) -> list[str]:
    """Province/city/county of sites crawled from bare URLs, read from their reports; notes."""
    from crawler.sites import region_from_names
    from storage import open_db
    from storage.regions import fill_site_region

    notes = []
    try:
        db = open_db(db_path)
        try:
            for site_id in site_ids:
                region = fill_site_region(db, site_id, region_from_names)
                shown = " ".join(v for v in region.values() if v)
                if shown:
                    notes.append(f"region of {site_id} read from its reports: {shown}")
        finally:
            db.close()
    except (sqlite3.Error, OSError) as exc:
        notes.append(f"regions of the crawled sites not filled in: {exc}")
    return notes


def site_lines(stats: dict[str, Any], site_ids: list[str]) -> list[str]:
    """One line per site (reports, list pages, rejected, browser-rendered, needing a browser),
    then the pages that needed a browser none was there to render."""
    lines = []
    pages = stats.get(keys.NEEDS_BROWSER_PAGES) or {}
    for site in site_ids:
        counts = {
            "reports": stats.get(keys.reports(site), 0),
            "lists": stats.get(keys.lists(site), 0),
            "rejected": stats.get(keys.rejected(site), 0),
            "browser_rendered": stats.get(keys.browser_rendered(site), 0),
            "needs_browser": stats.get(keys.needs_browser(site), 0),
        }
        lines.append(
            f"site {site}: {counts['reports']} reports, {counts['lists']} list pages,"
            f" {counts['rejected']} rejected, {counts['browser_rendered']} browser-rendered"
            + (f", {counts['needs_browser']} need a browser" if counts["needs_browser"] else "")
        )
        lines.extend(f"  needs a browser (chromium): {url}" for url in pages.get(site, []))
    return lines


def run(args: argparse.Namespace) -> int:
    try:
        if not args.urls and not args.sites:
            raise BadInput("give portal URLs or --sites CSV")
        args.urls, notes = check_urls(args.urls)
        if args.sites:
            notes += check_sites_file(args.sites)
        if args.db and not args.redis:  # a worker only reads it (the store writes)
            check_database(args.db)
        if args.redis:
            check_shared_crawl(args.redis)
        settings = build_settings(args)
    except BadInput as exc:
        print(f"nianbao crawl: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for note in notes:
        print(f"nianbao crawl: note: {note}", file=sys.stderr)
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.annual_reports import AnnualReportsSpider

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(AnnualReportsSpider)
    process.crawl(crawler, start_urls=",".join(args.urls), sites=args.sites)
    process.start()
    try:
        stats = crawler.stats.get_stats()
        site_ids = [s.id for s in crawler.spider.sites]
    except (RuntimeError, AttributeError):  # the crawl never started (see the log above)
        stats, site_ids = {}, []
    if args.stats:
        Path(args.stats).write_text(
            json.dumps(stats, default=str, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    lines, empty = summarize(stats, site_ids)
    if args.redis:  # a worker crawls some of the sites: `nianbao store` judges them all
        lines, empty = [ln for ln in lines if not ln.startswith("NO REPORT")], []
    store_errors = stats.get(keys.STORE_ERRORS, 0)
    if store_errors:
        lines.append(f"NOT STORED:       {store_errors} database writes failed (see the log)")
    opened = "start_time" in stats  # Scrapy's CoreStats sets it when the spider opens
    if not opened:  # e.g. a component that failed to load: a worker must not exit 0
        lines.append("NOT STARTED:      the crawl did not open (see the log above)")
    if args.db and args.urls:
        from crawler.sites import site_id_for

        bare = [site_id_for(u) for u in args.urls]
        lines += [f"note:             {n}" for n in fill_regions(args.db, bare)]
    print("\n".join(lines))
    failed = empty or not site_ids or store_errors or not opened
    return EXIT_NO_REPORT if failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """``python -m nianbao.commands.crawl`` (same as ``nianbao crawl``, fewer imports)."""
    parser = argparse.ArgumentParser(prog="nianbao crawl", description=HELP)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
