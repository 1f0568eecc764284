"""Ship the data files next to the packages (metadata in pyproject.toml).

``datasette-metadata.json`` and the sample portals (``samples/portals/<site>/``) install under
``<prefix>/share/nianbao/``, where :mod:`nianbao.resources` finds them outside a checkout.
"""

from pathlib import Path

from setuptools import setup

HERE = Path(__file__).resolve().parent
SHARE = "share/nianbao"


def portal_files() -> list[tuple[str, list[str]]]:
    """``(install dir, files)`` for every directory of the sample portals, layout kept."""
    by_dir: dict[str, list[str]] = {}
    for path in sorted((HERE / "samples" / "portals").rglob("*")):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            rel = path.relative_to(HERE)
            by_dir.setdefault(f"{SHARE}/{rel.parent.as_posix()}", []).append(rel.as_posix())
    return sorted(by_dir.items())


setup(data_files=[(SHARE, ["datasette-metadata.json"]), *portal_files()])
