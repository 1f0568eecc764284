"""The project's Datasette plugin (``plugin``), its templates and static files.

``nianbao.serving.make_datasette`` registers the plugin and serves ``templates/`` and
``static/`` (at ``/nianbao-static/``).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_MOUNT = "nianbao-static"  # URL path of STATIC


def register_plugin() -> None:
    """Register the plugin with Datasette's plugin manager (once per process)."""
    from datasette.plugins import pm

    from nianbao.web import plugin
    from nianbao.web.feeds import patch_empty_feeds
    from nianbao.web.markdown_cells import drop_markdown_cells

    patch_empty_feeds()  # before Datasette asks datasette-atom for its renderer
    drop_markdown_cells(pm)  # its per-cell hook on every cell of every page, for no column
    if not pm.is_registered(plugin):
        pm.register(plugin, name="nianbao-web")
