"""Tests and benchmarks against the local mock portals: no throttling, short back-off."""

from __future__ import annotations

from crawler.settings.base import *  # noqa: F403

AUTOTHROTTLE_ENABLED = False
DOWNLOAD_DELAY = 0
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 8
DOWNLOAD_TIMEOUT = 10
RETRY_TIMES = 2
NIANBAO_RETRY_BACKOFF_BASE = 0.05
NIANBAO_RETRY_BACKOFF_MAX = 0.2
NIANBAO_SITE_BUDGET = 80
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
NIANBAO_BROWSER = False  # the browser tests turn it on (-s NIANBAO_BROWSER=True)
