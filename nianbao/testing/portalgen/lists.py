"""Report columns and how their lists reach the reader.

A :class:`Column` is rendered by its ``delivery``: static HTML pages (paged by TRS
``createPageHTML``, ``index_N.html``, ``?page=N`` or 下一页 links), links that open by
``onclick``, an ``<iframe>`` holding the list, a JSON/XML list API called from an inline script
(XMLHttpRequest, ``fetch``, ``$.ajax``, ``$.get``, ``$.post``), Hanweb jpage (records in
``<script type="text/xml"><datastore>`` and/or ``dataproxy.jsp``), Guangdong gkmlpt, or an API
whose address only a browser can work out (``browser``).
"""

from __future__ import annotations

import json
import posixpath
import random
from dataclasses import dataclass, field
from html import escape
from typing import Any

from nianbao.testing.portalgen.chrome import Chrome, page

STATIC_PAGING = ("trs", "index_n", "query", "next")
SCRIPT_CALLS = ("xhr", "fetch", "ajax", "get", "post")
API_SHAPES = ("kaipu", "nanwei", "jiyue", "zjoffset", "xml")


@dataclass
class Entry:
    """One link of a list."""

    title: str  # full title (title attribute, API record)
    text: str  # the link text shown
    url: str
    date: str


@dataclass
class Column:
    """A list column: its page, its entries (newest first) and how they are delivered."""

    path: str  # the column page, e.g. /zwgk/zfxxgk/nb/index.html
    name: str  # 政府信息公开年报
    entries: list[Entry]
    delivery: str = "static"  # static onclick iframe api datastore dataproxy gkmlpt browser
    paging: str = "query"  # static paging: trs index_n query next
    call: str = "ajax"  # api: xhr fetch ajax get post
    shape: str = "kaipu"  # api: a key of nianbao.testing.listapi.SHAPES
    size: int = 5
    cid: str = "1"
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    side: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Output:
    """What rendering writes: files (path → bytes; ``path@query`` for a query) and APIs."""

    files: dict[str, bytes] = field(default_factory=dict)
    lists: list[dict[str, Any]] = field(default_factory=list)  # site.json "lists"
    records: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # name → records
    sid: str = "757001"
    gkmlpt: list[tuple[str, str]] = field(default_factory=list)  # (column id, name)


def _chunks(entries: list[Entry], size: int) -> list[list[Entry]]:
    return [entries[i : i + size] for i in range(0, len(entries), size)] or [[]]


def _item(entry: Entry, onclick: int = 0) -> str:
    text, title, url = escape(entry.text), escape(entry.title), entry.url
    if onclick == 1:
        return (f'<li><a href="javascript:void(0);" onclick="window.open(\'{url}\')" '
                f'title="{title}">{text}</a><span>{entry.date}</span></li>')  # fmt: skip
    if onclick == 2:
        return (f"<li onclick=\"location.href='{url}'\" style=\"cursor:pointer\">"
                f"<span class=\"t\">{text}</span><span>{entry.date}</span></li>")  # fmt: skip
    return (f'<li><a href="{url}" title="{title}" target="_blank">{text}</a>'
            f"<span>{entry.date}</span></li>")  # fmt: skip


_CREATE_PAGE_HTML = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
  else { document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a>&nbsp;");
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt
                               : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    document.write("<a href=\\"" + prev + "\\">上一页</a>&nbsp;"); }
  if(nCurrIndex + 1 < _nPageCount)
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt
                   + "\\">下一页</a>&nbsp;<a href=\\"" + _sPageName + "_" + (_nPageCount - 1)
                   + "." + _sPageExt + "\\">尾页</a>");
}
</script>"""


def _static_pages(column: Column, rng: random.Random, onclick: int) -> dict[str, str]:
    """Paged list bodies by path (path may carry ``?query``)."""
    folder, first = posixpath.split(column.path)
    stem, ext = posixpath.splitext(first)
    ext = ext.lstrip(".") or "html"
    chunks = _chunks(column.entries, column.size)
    n = len(chunks)
    out: dict[str, str] = {}
    for i, chunk in enumerate(chunks):
        items = '<ul class="list">' + "".join(_item(e, onclick) for e in chunk) + "</ul>"
        if "?" in column.path:  # a column addressed by its query: the page is one more field
            path = column.path if i == 0 else f"{column.path}&page={i + 1}"
            nxt = f'<a href="{first}&page={i + 2}">下一页</a>' if i + 1 < n else ""
            pager = f'<div class="page">第{i + 1}页 共{n}页 {nxt}</div>' if n > 1 else ""
        elif column.paging == "trs":
            path = column.path if i == 0 else f"{folder}/{stem}_{i}.{ext}"
            inline = _CREATE_PAGE_HTML if rng.random() < 0.5 else ""
            call = (f'createPageHTML({n}, {i}, "{stem}", "{ext}");' if rng.random() < 0.5 else
                    f'var countPage = {n};var currentPage = {i};'
                    f'createPageHTML(countPage, currentPage, "{stem}", "{ext}");')  # fmt: skip
            script = f'<script type="text/javascript">{call}</script>'
            pager = f'{inline}<div class="page">{script}</div>'
        elif column.paging == "index_n":

            def name(k: int) -> str:
                return f"{stem}.{ext}" if k == 0 else f"{stem}_{k + 1}.{ext}"

            path = column.path if i == 0 else f"{folder}/{name(i)}"
            links = [f'<a href="{name(0)}">首页</a>']
            links += [f'<a href="{name(k)}">{k + 1}</a>' if k != i else f"<b>{k + 1}</b>"
                      for k in range(n)]  # fmt: skip
            if i + 1 < n:
                links.append(f'<a href="{name(i + 1)}">下一页</a>')
            links.append(f'<a href="{name(n - 1)}">尾页</a>')
            pager = f'<div class="page">{"".join(links)}<span>共{n}页</span></div>' if n > 1 else ""
        elif column.paging == "query":
            path = column.path if i == 0 else f"{column.path}?page={i + 1}"
            links = []
            if i > 0:
                links.append(f'<a href="{first}?page={i}">上一页</a>')
            if i + 1 < n:
                links.append(f'<a href="{first}?page={i + 2}">下一页</a>')
                links.append(f'<a href="{first}?page={n}">尾页</a>')
            pager = (f'<div class="pagination">共{len(column.entries)}条 第{i + 1}/{n}页 '
                     + "".join(links) + "</div>") if n > 1 else ""  # fmt: skip
        else:  # next: only a 下一页 link, pages list_2 … list_n
            path = column.path if i == 0 else f"{folder}/list_{i + 1}.{ext}"
            nxt = f"list_{i + 2}.{ext}"
            pager = f'<div class="page"><a href="{nxt}">下一页</a></div>' if i + 1 < n else ""
        out[path] = items + pager
    return out


def _file_key(path: str) -> str:
    return path.replace("?", "@", 1)


def render_column(column: Column, chrome: Chrome, rng: random.Random, out: Output) -> None:
    """Write the column's pages (and its API records) into ``out``."""
    title = f"{column.name}-{chrome.site_name}"
    head = f'<div class="column-title"><h2>{escape(column.name)}</h2></div>'

    def emit(path: str, body: str, extra: str = "") -> None:
        out.files[_file_key(path)] = page(chrome, title, head + body, crumbs=column.crumbs,
                                          side=column.side, head_extra=extra)  # fmt: skip

    if column.delivery in ("static", "onclick"):
        onclick = rng.choice((1, 2)) if column.delivery == "onclick" else 0
        for path, body in _static_pages(column, rng, onclick).items():
            emit(path, body)
    elif column.delivery == "iframe":
        folder = posixpath.dirname(column.path)
        frame = Column(**{**column.__dict__, "path": f"{folder}/list_frame_{column.cid}.html"})
        for path, body in _static_pages(frame, rng, 0).items():
            meta = f'<meta charset="{chrome.meta_charset}">' if chrome.meta_charset else ""
            html = f"<!DOCTYPE html><html><head>{meta}</head><body>{body}</body></html>"
            out.files[_file_key(path)] = html.encode(chrome.charset, errors="xmlcharrefreplace")
        emit(column.path, f'<iframe src="{frame.path}" width="100%" height="900" frameborder="0" '
                          'scrolling="no" id="listFrame"></iframe>')  # fmt: skip
    elif column.delivery in ("api", "browser"):
        emit(column.path, '<ul class="list" id="list"></ul><div class="page" id="pager"></div>'
             + _api_script(column, out))  # fmt: skip
    elif column.delivery in ("datastore", "dataproxy"):
        emit(column.path, _hanweb(column, chrome, out))
    elif column.delivery == "gkmlpt":
        _gkmlpt(column, out)
    else:
        raise ValueError(column.delivery)


def _records(column: Column) -> list[dict[str, str]]:
    return [{"title": e.title, "url": e.url, "date": e.date} for e in column.entries]


_API_PATHS = {
    "kaipu": "/api/column/{cid}/articles",
    "nanwei": "/cms/api/getArticleList",
    "jiyue": "/site/label/8888",
    "zjoffset": "/api/v1/docs",
    "xml": "/xxgk/api/list.xml",
}
_API_REQUIRE = {
    "kaipu": {},
    "nanwei": {"channelId": "{cid}"},
    "jiyue": {"catId": "{cid}", "labelName": "publicInfoList"},
    "zjoffset": {"cid": "{cid}"},
    "xml": {"col": "{cid}"},
}
_RECORD_FIELDS = {  # shape → (js expression of the records, title field, url field)
    "kaipu": ("res.data.list", "title", "url"),
    "nanwei": ("res.rows", "docTitle", "docUrl"),
    "jiyue": ("res.data.data", "title", "link"),
    "zjoffset": ("res.result.items", "name", "link"),
}


def _api_script(column: Column, out: Output) -> str:
    from nianbao.testing.listapi import SHAPES

    shape = "kaipu" if column.delivery == "browser" else column.shape
    page_field, size_field, offset, first = SHAPES[shape]
    require = {k: v.format(cid=column.cid) for k, v in _API_REQUIRE[shape].items()}
    path = _API_PATHS[shape].format(cid=column.cid)
    if column.delivery == "browser":  # an address put together at run time
        path = f"/api/nb{column.cid}/list"
        require = {}
    name = f"list{len(out.lists)}"
    out.records[name] = _records(column)
    out.lists.append({"path": path, "records": f"lists/{name}.json", "shape": shape,
                      "size": column.size, "require": require})  # fmt: skip
    start = "0" if offset else str(first)
    query = "&".join(f"{k}={v}" for k, v in require.items())
    if column.delivery == "browser":
        segments = json.dumps(["api", "nb" + column.cid[:1]])
        return (
            "<script>(function(){var seg=" + segments + ";seg[1]+="
            f"'{column.cid[1:]}';seg.push(['l','i','s','t'].join(''));"
            "var u='/'+seg.join('/');"
            f"fetch(u+'?{page_field}={start}&{size_field}={column.size}')"
            ".then(function(r){return r.json()}).then(function(res){var h='';"
            "res.data.list.forEach(function(d){h+='<li><a href=\"'+d.url+'\">'+d.title+"
            "'</a></li>'});document.getElementById('list').innerHTML=h;});})();</script>"
        )
    if shape == "xml":
        render = (
            "var items=res.getElementsByTagName('item');for(var i=0;i<items.length;i++){"
            "h+='<li><a href=\"'+items[i].getElementsByTagName('url')[0].textContent+'\">'"
            "+items[i].getElementsByTagName('title')[0].textContent+'</a></li>';}"
        )
    else:
        rows, title_f, url_f = _RECORD_FIELDS[shape]
        render = (
            f"var rows={rows};for(var i=0;i<rows.length;i++){{h+='<li><a href=\"'"
            f"+rows[i].{url_f}+'\" target=\"_blank\">'+rows[i].{title_f}+'</a></li>';}}"
        )
    fill = f"function show(res){{var h='';{render}$('#list').html(h);}}"
    data = {**require, size_field: column.size}
    data_js = ", ".join(f"{k}: {json.dumps(v)}" for k, v in data.items())
    sep = "&" if query else ""
    call = column.call
    if call == "xhr":
        js = (f"var xhr=new XMLHttpRequest();xhr.open('GET','{path}?{query}{sep}{size_field}="
              f"{column.size}&{page_field}='+p,true);xhr.onreadystatechange=function(){{"
              "if(xhr.readyState==4&&xhr.status==200){show("
              + ("xhr.responseXML" if shape == "xml" else "JSON.parse(xhr.responseText)")
              + ");}};xhr.send(null);")  # fmt: skip
    elif call == "fetch":
        parse = ".then(function(r){return r.json();})"
        if shape == "xml":
            parse = (".then(function(r){return r.text();}).then(function(t){"
                     "return new DOMParser().parseFromString(t,'text/xml');})")  # fmt: skip
        js = (f"fetch('{path}?{query}{sep}{page_field}='+p+'&{size_field}={column.size}')"
              f"{parse}.then(show);")  # fmt: skip
    elif call in ("get", "post"):
        js = (
            f"$.{call}('{path}', {{{data_js}, {page_field}: p}}, show, "
            f"'{'xml' if shape == 'xml' else 'json'}');"
        )
    else:
        method = "POST" if shape == "nanwei" else "GET"
        js = (
            f"$.ajax({{url: '{path}', type: '{method}', dataType: "
            f"'{'xml' if shape == 'xml' else 'json'}', data: {{{data_js}, {page_field}: p}}, "
            "success: show, error: function(){$('#list').html('<li>暂无数据</li>');}});"
        )
    return (
        f'<script type="text/javascript">{fill}function load(p){{{js}}}'
        f"$(function(){{load({start});}});</script>"
    )


def _hanweb(column: Column, chrome: Chrome, out: Output) -> str:
    unit = str(5800000 + int(column.cid) % 100000)
    records = [_item(e) for e in column.entries]
    group = column.size * 3
    out.files[f"module/jpage/col{column.cid}.json"] = json.dumps(
        records, ensure_ascii=False
    ).encode()
    params = (f"appid=1&webid=1&path=/&columnid={column.cid}&unitid={unit}"
              f"&webname={chrome.site_name}&permissiontype=0")  # fmt: skip
    ajax = ", ".join(f"{k}: '{v}'" for k, v in (kv.split("=") for kv in params.split("&")))
    script = (
        '<script language="javascript" src="/module/web/jpage/jpage.js"></script>'
        "<script>$(function(){$('#" + unit + "').jpage({dataStore: dataStore, perPage: "
        f"{column.size}, totalRecord: {len(records)}, groupSize: 3, barPosition: 'bottom', "
        "proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {" + ajax + "}});});</script>"
    )
    if column.delivery == "dataproxy":
        return f'<div id="{unit}"></div><script>var dataStore = null;</script>{script}'
    embedded = "".join(f"<record><![CDATA[\n{r}\n]]></record>\n" for r in records[:group])
    return (
        f'<div id="{unit}"><script type="text/xml"><datastore>\n<nextgroup><![CDATA[<a href="'
        f'/module/web/jpage/dataproxy.jsp?page=1&{params}"></a>]]></nextgroup>\n'
        f"<recordset>\n{embedded}</recordset>\n</datastore></script>"
        "<script>var dataStore = document.getElementById('" + unit + "')"
        ".getElementsByTagName('script')[0].text;</script>" + script + "</div>"
    )


def _gkmlpt(column: Column, out: Output) -> None:
    name = f"list{len(out.lists)}"
    out.records[name] = _records(column)
    out.lists.append({"path": f"/gkmlpt/api/all/{column.cid}", "records": f"lists/{name}.json",
                      "shape": "gkmlpt", "size": column.size, "require": {"sid": out.sid},
                      "absolute": True})  # fmt: skip
    out.gkmlpt.append((column.cid, column.name))


def gkmlpt_page(chrome: Chrome, out: Output) -> bytes:
    """The one gkmlpt page (``/gkmlpt/index``) whose script renders every column by its id."""
    if int(out.sid) % 2:  # column list as JSON, or as JavaScript object literals
        rows = [{"id": int(cid), "name": name} for cid, name in out.gkmlpt]
        classify = "var CLASSIFY = " + json.dumps(rows, ensure_ascii=False) + ";"
    else:
        rows_js = ", ".join(f"{{id: {cid}, name: '{name}'}}" for cid, name in out.gkmlpt)
        classify = f"window.CLASSIFY = [{rows_js}];"
    config = (f"<script>window._CONFIG = {{SID: '{out.sid}', ROOT: '/gkmlpt', "
              f"SITE_NAME: '{chrome.site_name}'}};{classify}</script>"
              '<script src="/gkmlpt/static/js/app.js"></script>')  # fmt: skip
    return page(
        chrome, f"政府信息公开-{chrome.site_name}", '<div id="app"></div>', head_extra=config
    )
