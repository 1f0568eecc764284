"""Publishing the database with Datasette: the metadata, the settings, the server.

``nianbao serve`` and ``nianbao.demo`` both go through :func:`make_datasette` and
:func:`serve_database`; the tests build the same :class:`~datasette.app.Datasette` object.
"""

from __future__ import annotations

import asyncio
import errno
import json
import socket
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from datasette.app import Datasette

from nianbao import web
from nianbao.resources import metadata_path
from nianbao.tablecounts import read_counts

METADATA_PATH = metadata_path()  # the source tree's, or the installed share/nianbao/ copy
# The database name the metadata is written for (the file stem of data/nianbao.db).
METADATA_DATABASE = "nianbao"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001

# Datasette settings (``--setting name value``) of the public instance.
SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 5000,  # canned queries: < 0.5 s; year=all over 50,000 reports: 2-3 s
    "facet_time_limit_ms": 1000,
    # Facet suggestions run up to three queries per column on every table page (each up to
    # facet_suggest_time_limit_ms): at 100,000 reports the report_summary page took 4.5 s
    # with them and 68 ms without. The metadata's facets stay, and any column can still be
    # faceted from its menu.
    "suggest_facets": False,
    "max_csv_mb": 0,  # "download all rows" streams whole tables, however large
    # Canned-query results (and their CSV) are not paginated: this is their row limit.
    "max_returned_rows": 20000,
    "truncate_cells_html": 300,  # report text is long: the full text is on the row page
    "default_page_size": 50,
}


class ServeError(Exception):
    """The database cannot be published (missing, not SQLite, …): a one-line reason."""


def load_metadata(database: str = METADATA_DATABASE) -> dict[str, Any]:
    """The metadata of ``datasette-metadata.json``, written for ``database`` instead of nianbao.

    Datasette names a database after its file's stem; the metadata (tables, canned queries,
    dashboards, links such as ``/nianbao/sites``) is written for ``nianbao``, so a database
    served from another file name gets the same descriptions and working links.
    """
    text = METADATA_PATH.read_text(encoding="utf-8")
    if database == METADATA_DATABASE:
        return json.loads(text)
    for end in ("/", "#", '"', '\\"'):  # /nianbao/sites, /nianbao#queries, "/nianbao"
        text = text.replace(f"/{METADATA_DATABASE}{end}", f"/{database}{end}")
    metadata = json.loads(text)
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases:
        databases[database] = databases.pop(METADATA_DATABASE)
    dashboards = metadata.get("plugins", {}).get("datasette-dashboards", {})
    for dashboard in dashboards.values():
        for part in (*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()):
            if part.get("db") == METADATA_DATABASE:
                part["db"] = database
    return metadata


def check_database(path: str | Path) -> Path:
    """``path`` as a Path if it is a readable SQLite database with reports; else ServeError."""
    path = Path(path)
    if not path.is_file():
        raise ServeError(f"database not found: {path} (build it with `nianbao crawl … --db`)")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ServeError(f"not a SQLite database: {path} ({exc})") from None
    if "reports" not in tables:
        raise ServeError(f"no reports table in {path}: not a nianbao database")
    return path


def pending_wal(path: str | Path) -> bool:
    """True when a write-ahead log beside ``path`` holds changes not yet in the file.

    Datasette opens the file immutable and ignores the log, so those changes would not show.
    """
    wal = Path(f"{path}-wal")
    return wal.is_file() and wal.stat().st_size > 0


def parse_settings(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``--setting NAME VALUE`` pairs as Datasette settings, typed like Datasette's defaults.

    An unknown name or a value of the wrong type raises ServeError (one line).
    """
    from datasette.app import SETTINGS as KNOWN

    defaults = {s.name: s.default for s in KNOWN}
    settings: dict[str, Any] = {}
    for name, value in pairs:
        if name not in defaults:
            raise ServeError(f"unknown Datasette setting {name!r} (known: {', '.join(defaults)})")
        default = defaults[name]
        try:
            if isinstance(default, bool):
                if value.lower() not in {"on", "off", "true", "false", "1", "0"}:
                    raise ValueError(value)
                settings[name] = value.lower() in {"on", "true", "1"}
            elif isinstance(default, int):
                settings[name] = int(value)
            else:
                settings[name] = value
        except ValueError:
            kind = "on/off" if isinstance(default, bool) else type(default).__name__
            raise ServeError(f"setting {name}: {value!r} is not {kind}") from None
    base_url = settings.get("base_url")
    if base_url is not None and not (base_url.startswith("/") and base_url.endswith("/")):
        raise ServeError(f"setting base_url: {base_url!r} must start and end with / (/nianbao/)")
    return settings


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (taken, not an address here), or None."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host}: {exc.strerror}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is in use (another server?)"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def _quiet_error_pages() -> None:
    """Datasette 0.65's default error page prints the exception with ``rich`` whenever rich is
    installed (import-linter brings it), which itself raises outside an ``except`` block: a
    plain 404 became a 500. The page is the same without the console print. (Imported here,
    after ``datasette.app``: importing the module first breaks Datasette's plugin loading.)"""
    from datasette import handle_exception

    handle_exception.rich = None


def make_datasette(path: str | Path, **overrides: Any) -> Datasette:
    """A Datasette instance serving ``path`` immutable, with the project's metadata + settings
    (and the table counts made when it was published: ``nianbao.tablecounts``)."""
    path = check_database(path)
    settings = {**SETTINGS, **overrides.pop("settings", {})}
    web.register_plugin()
    _quiet_error_pages()
    counts = read_counts(path)  # counted when it was published
    if counts is not None:
        overrides.setdefault("inspect_data", {path.stem: counts})
    return Datasette(
        immutables=[str(path)],
        metadata=load_metadata(path.stem),
        settings=settings,
        template_dir=str(web.TEMPLATES),
        static_mounts=[(web.STATIC_MOUNT, str(web.STATIC))],
        **overrides,
    )


def serve_database(
    path: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    settings: dict[str, Any] | None = None,
    cors: bool = False,
) -> int:
    """Serve ``path`` with Datasette until Ctrl-C; returns an exit status.

    ``settings`` override ``SETTINGS`` (e.g. ``base_url`` behind a proxy); ``cors`` sends
    ``Access-Control-Allow-Origin: *`` so other sites can read the JSON API.
    """
    import uvicorn

    ds = make_datasette(path, settings=settings or {}, cors=cors)
    problem = port_problem(host, port)
    if problem:
        raise ServeError(f"{problem}; choose another with --port")
    if pending_wal(path):
        print(
            f"nianbao serve: warning: {path}-wal holds changes not yet in {path}; they are not"
            " shown (is a crawl still writing? once it ends, the log is folded in)",
            file=sys.stderr,
        )
    asyncio.run(ds.invoke_startup())
    shown_host = f"[{host}]" if ":" in host else host
    base = ds.setting("base_url")
    print(f"Serving {path} at http://{shown_host}:{port}{base}  (Ctrl-C to stop)", flush=True)
    try:
        uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
    except SystemExit as exc:  # uvicorn exits when it cannot bind the port
        return int(exc.code or 1)
    return 0
