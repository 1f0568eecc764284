"""Production: the nightly crawl of real portals (slow and polite, resumable)."""

from __future__ import annotations

import os

from crawler.settings.base import *  # noqa: F403

CONCURRENT_REQUESTS = 32  # many portals at once ...
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # ... one request at a time on each
DOWNLOAD_DELAY = 2.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 0.5
RETRY_TIMES = 4
if os.environ.get("NIANBAO_JOBDIR"):
    JOBDIR = os.environ["NIANBAO_JOBDIR"]  # pause / resume a long crawl
