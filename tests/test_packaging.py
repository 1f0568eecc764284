"""A regular (non-editable) ``pip install .`` into a fresh virtualenv serves a database.

The wheel is built from a copy of the project without build isolation (no network): the fresh
environment sees this environment's libraries through a ``.pth`` line, but not the checkout,
so ``datasette-metadata.json`` and the sample portals must come from the installed data files.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
from pathlib import Path

import pytest

import storage
from crawler.sites import Site

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "datasette-metadata.json")
PACKAGES = ("parsers", "crawler", "pipelines", "storage", "convert", "nianbao", "samples")
SITE = Site(
    id="www.xiangning.gov.cn",
    name="乡宁县人民政府",
    start_url="http://www.xiangning.gov.cn/zfxxgk/ndbg/",
    province="山西省",
    city="临汾市",
    county="乡宁县",
    level="county",
    cms_style="trs",
)


def _copy_project(dest: Path) -> Path:
    """The files a source distribution holds (no venv, caches, egg-info or tests)."""
    dest.mkdir()
    for name in SHIPPED:
        shutil.copy2(PROJECT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGES:
        shutil.copytree(PROJECT / name, dest / name, ignore=ignore)
    return dest


def _fresh_venv(path: Path) -> Path:
    """A virtualenv whose own site-packages come first, then this environment's libraries."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # A plain path line: the .pth files there (this checkout's editable finder) are not run.
    Path(site_packages, "_nianbao_test_deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    return python


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, proc: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nianbao serve exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nianbao serve did not answer at {url}")


@pytest.mark.slow
def test_installed_package_serves_with_its_metadata(tmp_path: Path) -> None:
    source = _copy_project(tmp_path / "src")
    python = _fresh_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
         "--no-deps", "--no-build-isolation", "--no-index", str(source)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    shutil.rmtree(source)  # nothing may be read from the source tree any more

    probe = subprocess.run(
        [python, "-c", "import json, nianbao.resources as r, nianbao.testing.portalserver as s;"
         " print(json.dumps([str(r.metadata_path()), str(s.PORTALS_DIR), list(s.SITES)]))"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    metadata, portals, sites = json.loads(probe.stdout)
    share = tmp_path / "venv" / "share" / "nianbao"
    assert Path(metadata) == share / "datasette-metadata.json"
    assert Path(portals) == share / "samples" / "portals"
    for key in sites:  # every portal the demo serves, with its manifest and robots.txt
        assert json.loads(Path(portals, key, "expected.json").read_text(encoding="utf-8"))
        assert Path(portals, key, "www", "robots.txt").is_file()

    db = storage.open_db(tmp_path / "nianbao.db")
    storage.save_sites(db, [SITE])
    db.close()
    port = _free_port()
    proc = subprocess.Popen(
        [tmp_path / "venv" / "bin" / "nianbao", "serve", "--db", str(tmp_path / "nianbao.db"),
         "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        page = _get(f"http://127.0.0.1:{port}/nianbao/sites", proc)
        queries = json.loads(_get(f"http://127.0.0.1:{port}/nianbao.json", proc))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "One row per portal crawled (the sites registry)" in page  # the table's description
    assert "乡宁县人民政府" in page
    assert "most_applications" in {q["name"] for q in queries["queries"]}  # a canned query
