"""The names of the crawl's own stats: every ``nianbao/…`` key is built here, one name per fact.

Scrapy's stats collector carries what the stages tell each other and the operator: the spider
counts pages and reports, the middlewares refusals and fetch errors, the pipelines parse and
store outcomes, and the commands and the nightly job read them back. Writers and readers import
the names from this module (crawler, pipelines and nianbao may import it), so a key is spelt
once. A name is a constant (a run total) or a function of the site, reason or rule it counts.
"""

from __future__ import annotations

from typing import Any

ROOT = "nianbao/"


def _key(*parts: str) -> str:
    return ROOT + "/".join(parts)


def _prefix(name: str) -> str:
    return _key(name) + "/"


def under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """The counts of keys starting with ``prefix``, by the rest of the key."""
    return {k[len(prefix) :]: int(v) for k, v in stats.items() if k.startswith(prefix)}


# --- the spider: pages and reports --------------------------------------------------------------

REPORTS = _key("reports")  # pages read as reports (the spider)
REJECTED = _key("rejected")  # report look-alikes judged not a report
NEEDS_BROWSER = _key("needs_browser")  # pages filled in by script, no browser to render them
NEEDS_BROWSER_PAGES = _key("needs_browser_pages")  # {site: [url, …]} (a value, not a count)
BROWSER_RENDERED = _key("browser_rendered")
PAGINATION_SKIPPED = _key("pagination_skipped")
ATTACHMENT_ONLY_REPORTS = _key("attachment_only_reports")
FAILED_PREFIX = _prefix("failed")


def reports(site_or_outcome: str) -> str:
    """Reports of one site (the spider), or of one store outcome: new, changed, unchanged,
    failed (parse failures), without_cells."""
    return _key("reports", site_or_outcome)


def rejected(site: str) -> str:
    return _key("rejected", site)


def classified(classification: str) -> str:
    """Pages of one rejected classification (``nianbao/<classification>``)."""
    return _key(classification)


def lists(site: str) -> str:
    """List (column) pages of a site."""
    return _key("lists", site)


def failed(site: str) -> str:
    """Requests of a site that failed (the spider's errback)."""
    return FAILED_PREFIX + site


def ignored(site: str) -> str:
    """Requests of a site refused by robots.txt or the site budget."""
    return _key("ignored", site)


def needs_browser(site: str) -> str:
    return _key("needs_browser", site)


def browser_rendered(site: str) -> str:
    return _key("browser_rendered", site)


# --- the downloader middlewares: fetch errors, refusals, budget ----------------------------------

FETCH_ERROR_PREFIX = _prefix("fetch_error")
ANSWERED_PREFIX = _prefix("answered")
REFUSED = _key("refused")
BUDGET_CUT = _key("budget_cut")
RETRY_BACKOFF_SECONDS = _key("retry_backoff_seconds")
LIST_PAGES_HELD = _key("list_pages_held")


def fetch_error(site: str, reason: str) -> str:
    """Requests of a site that failed for good, by the reason in words."""
    return f"{FETCH_ERROR_PREFIX}{site}/{reason}"


def fetch_errors(stats: dict[str, Any], site: str) -> dict[str, int]:
    """The fetch errors of one site from the final stats: reason → requests."""
    return under(stats, f"{FETCH_ERROR_PREFIX}{site}/")


def answered(site: str) -> str:
    """Answers below 400 to a site's requests (from the network or the HTTP cache)."""
    return ANSWERED_PREFIX + site


def refused(reason: str) -> str:
    return _key("refused", reason)


def budget_cut(site: str) -> str:
    return _key("budget_cut", site)


# --- the pipelines: parsing, findings, attachments, storage ------------------------------------

PAGES_PARSED = _key("pages", "parsed")
PAGES_SKIPPED_UNCHANGED = _key("pages", "skipped_unchanged")
PAGES_NOT_A_REPORT = _key("pages", "not_a_report")
REPORTS_FAILED = reports("failed")
REPORTS_UNCHANGED = reports("unchanged")
REPORTS_WITHOUT_CELLS = reports("without_cells")
STORE_OUTCOMES = ("new", "changed", "unchanged", "failed")  # reports(o): a run's report counts
ATTACHMENTS_CONVERTED = _key("attachments", "converted")
ATTACHMENTS_CONVERSION_FAILED = _key("attachments", "conversion_failed")
ATTACHMENTS_STORED = _key("attachments_stored")
ATTACHMENTS_FAILED = _key("attachments_failed")
FINDINGS_PREFIX = _prefix("findings")
STORE_ERRORS = _key("store", "errors")  # database writes that failed (the run is *_with_errors)
ITEMS_QUEUED = _key("distributed", "items_queued")
REQUEUED = _key("distributed", "requeued")
REJOINED = _key("distributed", "rejoined")  # this worker was reaped while alive, and rejoined


def finding(rule: str) -> str:
    return FINDINGS_PREFIX + rule


def finding_severity(severity: str) -> str:
    return finding(f"severity/{severity}")


def report_counts(stats: dict[str, Any]) -> dict[str, int]:
    """new/changed/unchanged/failed reports of a run."""
    return {o: int(stats.get(reports(o), 0)) for o in STORE_OUTCOMES}


def finding_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Findings per rule (not the per-severity totals)."""
    return {rule: n for rule, n in under(stats, FINDINGS_PREFIX).items() if "/" not in rule}


# --- the outcome of each site (crawler.outcomes) -----------------------------------------------

SITE_OUTCOMES = _key("site_outcomes")  # {site: {status, reason, counts…}} (a value)
