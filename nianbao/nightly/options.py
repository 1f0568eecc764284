"""What a nightly run was asked to do (:class:`NightlyOptions`) and where it keeps its files
(:class:`RunPaths`: the layout of the work directory, described in :mod:`nianbao.nightly.run`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SETTINGS = "crawler.settings.production"  # unless --settings or SCRAPY_SETTINGS_MODULE
CLOSED_MARKER = "nightly-closed.json"  # in JOBDIR: its crawl closed cleanly (queue saved)


@dataclass
class NightlyOptions:
    """What ``nianbao nightly`` was asked to do."""

    sites: Path
    db: Path
    workdir: Path | None = None
    max_failed_nights: int = 3  # alert when a site failed this many runs in a row
    max_parse_failure_rate: float = 0.2  # alert above this share of reports failing to parse
    keep: int = 3  # dated previous versions kept beside the published database
    settings: str | None = None  # SCRAPY_SETTINGS_MODULE (default: DEFAULT_SETTINGS)
    wait_lock: float = 60.0  # seconds to wait for a previous run to release the workdir
    max_attempts: int = 3  # a run that stopped early this often is abandoned and restarted
    after_publish: str | None = None  # shell command run after a successful swap
    redis: str | None = None  # crawl shared through this Redis (``nianbao.nightly.shared``)
    workers: int = 1  # with ``redis``: local worker processes (others may run elsewhere)
    wait_workers: float = 600.0  # with ``redis``: give up after this long with no live worker

    @property
    def work(self) -> Path:
        return self.workdir or self.db.resolve().parent / "nightly"


@dataclass
class RunPaths:
    """Where one run keeps its files."""

    work: Path

    @property
    def lock(self) -> Path:
        return self.work / "nightly.lock"

    @property
    def httpcache(self) -> Path:
        return self.work / "httpcache"

    @property
    def logs(self) -> Path:
        return self.work / "logs"

    @property
    def run(self) -> Path:
        return self.work / "run"

    @property
    def state(self) -> Path:
        return self.run / "state.json"

    @property
    def working(self) -> Path:
        return self.run / "working.db"

    @property
    def jobdir(self) -> Path:
        return self.run / "job"

    @property
    def parts(self) -> Path:
        return self.run / "parts"

    @property
    def closed_marker(self) -> Path:
        return self.jobdir / CLOSED_MARKER

    def log(self, run_id: str) -> Path:
        return self.logs / f"{run_id}.log"

    def next_part(self) -> Path:
        """The outcome file of the run's next crawl part (``parts/NNN.json``)."""
        return self.parts / f"{len(list(self.parts.glob('*.json'))) + 1:03d}.json"


def crawl_env(options: NightlyOptions) -> dict[str, str]:
    """The environment of a crawl process: this one's, with ``SCRAPY_SETTINGS_MODULE``."""
    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = (
        options.settings or env.get("SCRAPY_SETTINGS_MODULE") or DEFAULT_SETTINGS
    )
    return env
