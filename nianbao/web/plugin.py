"""The project's Datasette plugin: search, readable tables, report pages, Excel downloads.

Registered by ``nianbao.serving.make_datasette``. Hooks:

- ``prepare_connection``: ``escape_fts`` (what the table search box runs) becomes the bigram
  query of ``storage.search.fts_query``, so ``_search=复议`` finds two-character words.
- ``extra_css_urls`` / ``extra_js_urls`` / ``extra_template_vars``: Chinese column labels,
  sticky header, frozen first column, right-aligned numbers, collapsed column descriptions;
  the printed layout of a report on its row page (``templates/row.html``).
- ``filters_from_request``: a table search matching too many reports to count and facet
  within the time limit answers at once (HTML, JSON or CSV) with the count and a link to the
  search query (``searchbox``).
- ``render_cell``: a report id in any view or query links to the report's page.
- ``register_output_renderer``: ``.xlsx`` with ids kept, Chinese sheet names, a 说明 sheet.
- ``asgi_wrapper``: every ``.csv`` is a download with a UTF-8 byte-order mark and neutralised
  cells; a table's CSV streams all rows; a query's CSV says when the row limit cut it; the
  widest columns of a table page are hidden until asked for (``_col`` / ``_nocol``).
"""

from __future__ import annotations

import codecs
import json
import re
import sqlite3
import urllib.parse
from typing import Any

from datasette import hookimpl
from datasette.utils import sqlite_timelimit, tilde_decode
from markupsafe import Markup

from nianbao.web import STATIC_MOUNT
from nianbao.web.excel import BOM, CsvGuard, workbook
from nianbao.web.labels import COLUMN_LABELS
from nianbao.web.report_page import report_context
from nianbao.web.searchbox import broad_search
from storage.search import fts_query, register_functions

# Columns a table page hides by default (too wide to read in a row); CSV/JSON keep them.
HIDDEN_BY_DEFAULT = {
    "reports": ("text", "content_hash", "attachments", "source_url", "url", "first_seen",
                "last_checked", "last_changed", "index_no", "publisher", "read_share",
                "checks_run", "checks_passed"),
    "report_summary": ("url", "title", "site", "city"),
}  # fmt: skip
# Marks a page whose _nocol are the defaults: its exports get every column, and once the
# reader shows all columns (the marker stays, _nocol goes) the defaults are not added again.
DEFAULT_COLUMNS = "_nianbao_cols"
SHEET_NAMES = {
    "reports": "年报",
    "report_summary": "年报摘要",
    "applications": "申请情况",
    "applications_wide": "申请情况表",
    "active_disclosure": "主动公开",
    "review_litigation": "复议诉讼",
    "findings": "问题",
    "sites": "网站",
}
XLSX_MAX_ROWS = 1_000_000


class XlsxError(Exception):
    """The rows of an .xlsx could not be read (the reason, for a 400 answer)."""


XLSX_TIME_LIMIT_MS = 30_000


@hookimpl(trylast=True)
def prepare_connection(conn: Any) -> None:
    register_functions(conn)
    conn.create_function("escape_fts", 1, fts_query)  # after Datasette's own escape_fts


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/{STATIC_MOUNT}/nianbao.css")]


@hookimpl
def extra_js_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path(f"/{STATIC_MOUNT}/nianbao.js")]


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    async def inner() -> dict[str, Any]:
        extra: dict[str, Any] = {"column_labels": COLUMN_LABELS}
        if view_name == "row" and table == "reports" and request is not None:
            pks = request.url_vars.get("pks", "")
            report_id = tilde_decode(pks)
            extra["nianbao_report"] = await report_context(
                datasette.get_database(database), report_id
            )
        return extra

    return inner


# Read from the totals by region (a row per year, region and level: ~50,000 at a million
# reports), which hold the same values as ``reports`` without reading a million rows.
CHOICES_SQL = {
    "province": "select distinct province from figures_by_region where province is not null"
    " order by 1",
    "county": "select distinct county from figures_by_region where county is not null order by 1",
    "year": "select distinct year from figures_by_region where year is not null order by 1 desc",
    "severity": "select distinct severity from findings order by 1",
    "rule": "select key from rules order by sort_order",
}
_CHOICES_JS = """
(function (choices) {
  Object.keys(choices).forEach(function (name) {
    var input = document.querySelector("form.sql input[name='" + name + "']");
    if (!input) { return; }
    var list = document.createElement("datalist");
    list.id = "choices-" + name;
    choices[name].forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      list.appendChild(option);
    });
    input.parentNode.appendChild(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
  });
})(%s);
"""


@hookimpl
def extra_body_script(template: str, database: str | None, datasette: Any) -> Any:
    """A canned query's inputs offer the values in the data (datalist: typing still works)."""
    if not template.startswith("query") or database is None:
        return None

    async def inner() -> str:
        db = datasette.get_database(database)
        choices: dict[str, list[Any]] = {}
        for name, sql in CHOICES_SQL.items():
            try:
                choices[name] = [str(r[0]) for r in await db.execute(sql)]
            except sqlite3.Error:  # a database without the table: no hints
                continue
        labels = json.dumps(COLUMN_LABELS, ensure_ascii=False)
        return f"window.nianbaoLabels = {labels};\n" + _CHOICES_JS % json.dumps(
            choices, ensure_ascii=False
        ).replace("<", "\\u003c")

    return inner


def report_url(datasette: Any, database: str, report_id: str) -> str:
    return datasette.urls.row(database, "reports", report_id)


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """No filter of its own: declines a search too broad for a table page (any format)."""

    async def inner() -> None:
        await broad_search(request, database, table, datasette)

    return inner


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Report ids (``report_summary.id``, ``report_id`` of a query) link to the report page.

    The cell tables' ``report_id`` is a foreign key: Datasette links it itself.
    """
    if not isinstance(value, str):
        return None
    if (column == "id" and table == "report_summary") or (
        column == "report_id" and table in (None, "applications_wide")
    ):
        url = report_url(datasette, database, value)
        return Markup('<a href="{}">{}</a>').format(url, value)
    return None


# --- .xlsx ------------------------------------------------------------------------------------


def _sheet_name(datasette: Any, database: str, table: str | None, query_name: str | None) -> str:
    if table:
        return SHEET_NAMES.get(table, table)
    if query_name:
        title = (datasette.metadata("queries", database=database) or {}).get(query_name, {})
        title = title.get("title", "") if isinstance(title, dict) else ""
        chinese = re.findall(r"[\u4e00-\u9fff]+", title)
        return "".join(chinese) or query_name
    return "查询结果"


async def _table_rows(datasette: Any, request: Any, columns: list[str]) -> tuple[list, bool]:
    """All rows of a table page's selection, through Datasette's own paginated JSON."""
    path = request.path[: -len(".xlsx")] + ".json"
    base_url = datasette.setting("base_url")
    if base_url != "/" and path.startswith(base_url):  # the client adds base_url itself
        path = "/" + path[len(base_url) :]
    skip = {"_next", "_size", "_shape", "_format", "_labels", "_extra", "_nocol", "_col"}
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string) if k not in skip]
    args += [("_size", "max"), ("_shape", "objects")]
    rows: list[list[Any]] = []
    token = None
    while True:
        qs = args + ([("_next", token)] if token else [])
        response = await datasette.client.get(path + "?" + urllib.parse.urlencode(qs))
        if response.status_code != 200:
            raise XlsxError(f"{response.status_code} from {path}: {response.text[:300]}")
        data = response.json()
        for row in data.get("rows", []):
            rows.append([row.get(c) for c in columns])
            if len(rows) >= XLSX_MAX_ROWS:
                return rows, True
        token = data.get("next")
        if not token:
            return rows, False


async def _query_rows(db: Any, sql: str, params: dict[str, Any]) -> tuple[list, bool]:
    """A query run again without Datasette's max_returned_rows (up to XLSX_MAX_ROWS)."""

    def run(conn: Any) -> tuple[list, bool]:
        with sqlite_timelimit(conn, XLSX_TIME_LIMIT_MS):
            cursor = conn.execute(sql, params)
            rows = cursor.fetchmany(XLSX_MAX_ROWS + 1)
        return [list(r) for r in rows[:XLSX_MAX_ROWS]], len(rows) > XLSX_MAX_ROWS

    return await db.execute_fn(run)


async def render_xlsx(
    datasette: Any,
    request: Any,
    database: str,
    table: str | None,
    sql: str,
    query_name: str | None,
    columns: list[str],
    rows: list[Any],
    view_name: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    if view_name == "row":
        got = [[r[c] for c in columns] if isinstance(r, dict) else list(r) for r in rows], False
    elif table and view_name == "table":
        try:
            got = await _table_rows(datasette, request, columns)
        except XlsxError as exc:
            return {"body": f"xlsx: cannot read the rows: {exc}", "status_code": 400}
    else:
        params = (data.get("query") or {}).get("params") or {}
        got = await _query_rows(datasette.get_database(database), sql, params)
    rows_out, cut = got
    name = _sheet_name(datasette, database, table, query_name)
    note = f"只含前 {XLSX_MAX_ROWS} 行 cut at {XLSX_MAX_ROWS} rows" if cut else None
    body = workbook(
        columns,
        rows_out,
        sheet=name,
        source=str(request.url).replace(".xlsx", "", 1),
        query=sql if not table else f"table {table}: {request.query_string or 'all rows'}",
        labels=COLUMN_LABELS,
        note=note,
    )
    filename = f"{name}.xlsx"
    return {
        "body": body,
        "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "headers": {"content-disposition": _attachment(filename)},
    }


def _attachment(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    quoted = urllib.parse.quote(filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"


@hookimpl(trylast=True)
def register_output_renderer(datasette: Any) -> dict[str, Any]:
    return {
        "extension": "xlsx",
        "render": render_xlsx,
        "can_render": lambda view_name: view_name in ("table", "database", "query", "row"),
    }


# --- ASGI: CSV downloads and default columns --------------------------------------------------


def _is_csv(scope: dict[str, Any]) -> bool:
    query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return scope["path"].endswith(".csv") or query.get("_format") == ["csv"]


def _path_parts(path: str) -> list[str]:
    return [urllib.parse.unquote(p) for p in path.strip("/").split("/") if p]


def _set_query(scope: dict[str, Any], args: list[tuple[str, str]]) -> dict[str, Any]:
    return {**scope, "query_string": urllib.parse.urlencode(args).encode("latin-1")}


async def _what(datasette: Any, path: str) -> tuple[str, str | None]:
    """("table", name) / ("query", name) / ("sql", None) / ("other", None) for a path."""
    parts = _path_parts(re.sub(r"\.(csv|json|xlsx)$", "", path))
    if len(parts) == 1 and parts[0] in datasette.databases:
        return "sql", None
    if len(parts) != 2 or parts[0] not in datasette.databases:
        return "other", None
    database, name = parts
    if await datasette.get_canned_query(database, name, None):
        return "query", name
    return "table", tilde_decode(name)


def asgi_app(app: Any, datasette: Any) -> Any:
    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        kind, name = await _what(datasette, scope["path"])
        args = urllib.parse.parse_qsl(
            scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
        )
        export = "." in scope["path"].rsplit("/", 1)[-1] or any(k == "_format" for k, _ in args)
        if (DEFAULT_COLUMNS, "on") in args and export:
            # an export of a page showing the default columns: every column
            hidden = set(HIDDEN_BY_DEFAULT.get(name or "", ()))
            args = [
                (k, v)
                for k, v in args
                if k != DEFAULT_COLUMNS and not (k == "_nocol" and v in hidden)
            ]
            scope = _set_query(scope, args)
        keys = {k for k, _ in args}
        if _is_csv(scope):
            if kind == "table" and "_stream" not in keys:
                scope = _set_query(scope, [*args, ("_stream", "on")])
            limit = datasette.setting("max_returned_rows") if kind in ("query", "sql") else None
            filename = f"{name or 'query'}.csv"
            return await app(scope, receive, _csv_send(send, filename, limit))
        if (
            kind == "table"
            and name in HIDDEN_BY_DEFAULT
            and not export
            and not keys & {"_col", "_nocol", DEFAULT_COLUMNS}
        ):
            args += [("_nocol", c) for c in HIDDEN_BY_DEFAULT[name]] + [(DEFAULT_COLUMNS, "on")]
            scope = _set_query(scope, args)
        return await app(scope, receive, send)

    return wrapped


def _csv_send(send: Any, filename: str, limit: int | None) -> Any:
    """A ``send`` that turns Datasette's CSV into an Excel-ready download."""
    guard = CsvGuard()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    state = {"csv": False, "started": False}

    async def csv_send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            state["csv"] = message["status"] == 200 and content_type.startswith(
                ("text/plain", "text/csv")
            )
            if state["csv"]:
                headers.pop(b"content-length", None)
                headers[b"content-type"] = b"text/csv; charset=utf-8"
                headers[b"content-disposition"] = _attachment(filename).encode("latin-1")
                message = {**message, "headers": list(headers.items())}
            await send(message)
            return
        if message["type"] != "http.response.body" or not state["csv"]:
            await send(message)
            return
        more = message.get("more_body", False)
        text = guard.feed(decoder.decode(message.get("body", b""), final=not more), final=not more)
        if not state["started"]:
            text, state["started"] = BOM + text, True
        if not more and limit and guard.records - 1 >= limit:
            text += (
                f"\"⚠ 只含前 {limit} 行: the query's result was cut at {limit} rows (the row"
                " limit); narrow the query, or use .xlsx or a table's CSV for every row\"\r\n"
            )
        await send({**message, "body": text.encode("utf-8")})

    return csv_send


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    return lambda app: asgi_app(app, datasette)
