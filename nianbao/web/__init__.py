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

    patch_empty_feeds()  # before Datasette asks datasette-atom for its renderer
    if not pm.is_registered(plugin):
        pm.register(plugin, name="nianbao-web")
