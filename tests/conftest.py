"""Shared pytest fixtures."""

from __future__ import annotations

# --- crawler (issue 3): mock portals and a crawl in a subprocess --------------------------------
import json as _json
import os as _os
import subprocess as _subprocess
import sys as _sys
from dataclasses import dataclass as _dataclass
from pathlib import Path as _Path

import pytest as _pytest


@_dataclass
class CrawlResult:
    """What a ``nianbao crawl`` subprocess produced: items (no body), final stats, output."""

    items: list[dict]
    stats: dict
    returncode: int
    stdout: str
    stderr: str


@_pytest.fixture(scope="session")
def portal_server():
    """All bundled mock portals, served for the session (``{site key: PortalServer}``); they
    stop by themselves after an hour without a request (a killed run leaves no server)."""
    from nianbao.testing.portalserver import serve_portals

    with serve_portals(lifetime=3600) as servers:
        yield servers


def run_crawl(
    urls: list[str],
    workdir: _Path,
    *,
    cache: _Path | None = None,
    settings: dict | None = None,
    pipelines: dict | None = None,
    timeout: float = 90,
) -> CrawlResult:
    """Crawl ``urls`` with ``crawler.settings.test`` in a subprocess (fresh Twisted reactor).

    ``cache``: HTTPCACHE_DIR (reuse it for an incremental crawl); ``pipelines``: ITEM_PIPELINES
    (default: attachments only); ``settings``: further -s overrides.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    items, stats = workdir / "items.jsonl", workdir / "stats.json"
    pipes = {"pipelines.attachments.AttachmentsPipeline": 100} if pipelines is None else pipelines
    argv = [
        _sys.executable, "-m", "nianbao.commands.crawl", *urls,
        "--settings", "crawler.settings.test",
        "--items", str(items), "--stats", str(stats), "--files", str(workdir / "files"),
        "--httpcache", str(cache or workdir / "httpcache"),
        "-s", f"ITEM_PIPELINES={_json.dumps(pipes)}",
    ]  # fmt: skip
    for name, value in (settings or {}).items():
        argv += ["-s", f"{name}={value}"]
    env = dict(_os.environ, NIANBAO_DATA=str(workdir / "data"))
    proc = _subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    lines = items.read_text(encoding="utf-8").splitlines() if items.exists() else []
    return CrawlResult(
        items=[_json.loads(line) for line in lines],
        stats=_json.loads(stats.read_text(encoding="utf-8")) if stats.exists() else {},
        returncode=proc.returncode,
        stdout=proc.stdout,
        stderr=proc.stderr,
    )


@_pytest.fixture
def crawl_runner():
    """``run_crawl(urls, workdir, cache=…, settings=…, pipelines=…) -> CrawlResult``."""
    return run_crawl


# --- storage (issue 4): a database with the project's schema -------------------------------------


@_pytest.fixture
def nianbao_db(tmp_path):
    """An empty nianbao database (``storage.open_db``: tables, lookups, views, FTS) in tmp_path."""
    from storage import open_db

    db = open_db(tmp_path / "nianbao.db")
    yield db
    db.close()


# --- distributed crawl (issue 16): a real redis-server --------------------------------------------


@_pytest.fixture(scope="module")
def redis_url():
    """A real redis-server on 127.0.0.1 (free port, no persistence) for the module, stopped
    after (``nianbao.testing.redisserver``); the test module skips when it is not installed."""
    from nianbao.testing.redisserver import serve_redis

    with serve_redis() as url:
        yield url
