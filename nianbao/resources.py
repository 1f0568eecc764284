"""Where the shipped data lives: ``datasette-metadata.json`` and the sample portals.

A checkout (or an editable install) reads them from the source tree; a regular
``pip install .`` ships them as data files under ``<prefix>/share/nianbao/`` (``setup.py``).
"""

from __future__ import annotations

import site
import sys
import sysconfig
from functools import cache
from pathlib import Path

SHARE = Path("share") / "nianbao"
METADATA_NAME = "datasette-metadata.json"
SOURCE_ROOT = Path(__file__).resolve().parent.parent


@cache
def data_root() -> Path:
    """The directory holding ``datasette-metadata.json`` and ``samples/``.

    The source tree when this module runs from a checkout; otherwise the installation's
    data directory (the environment's, then ``--user``'s). FileNotFoundError lists where it
    looked when neither holds the data.
    """
    candidates = [
        SOURCE_ROOT,
        Path(sysconfig.get_path("data")) / SHARE,
        Path(sys.prefix) / SHARE,
        Path(site.getuserbase()) / SHARE,
    ]
    for root in candidates:
        if (root / METADATA_NAME).is_file():
            return root
    raise FileNotFoundError(
        f"{METADATA_NAME} not found in " + ", ".join(str(root) for root in candidates)
    )


def metadata_path() -> Path:
    """``datasette-metadata.json``: descriptions, facets, canned queries, dashboards."""
    return data_root() / METADATA_NAME


def portals_dir() -> Path:
    """``samples/portals/``: the mock county portals (``www/``, ``site.json``, manifests)."""
    return data_root() / "samples" / "portals"
