"""datasette-render-markdown without its per-cell hook (no nianbao column is Markdown).

datasette-dashboards needs the plugin's ``render_markdown`` template function (the dashboard
texts), and the plugin also hooks ``render_cell``: for every text cell of every page it reads
its configuration and tests the column name against ``*_markdown``. No column here matches,
and a canned query of 7,083 rows took 1.6 s with that hook, 1.2 s without.
:func:`drop_markdown_cells` registers the plugin again with its other hooks only.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pluggy import PluginManager

MODULE = "datasette_render_markdown"
CELL_HOOK = "render_cell"


def drop_markdown_cells(pm: PluginManager) -> bool:
    """Re-register datasette-render-markdown in ``pm`` without ``render_cell``.

    Returns whether its ``render_cell`` was registered and is now gone.
    """
    plugin = next((p for p in pm.get_plugins() if getattr(p, "__name__", "") == MODULE), None)
    if plugin is None or not isinstance(plugin, types.ModuleType):
        return False
    hooks = [h.name for h in pm.get_hookcallers(plugin) or []]
    if CELL_HOOK not in hooks:
        return False
    name = pm.get_name(plugin)
    without_cells = types.ModuleType(MODULE, plugin.__doc__)
    for hook in hooks:
        if hook != CELL_HOOK:
            setattr(without_cells, hook, getattr(plugin, hook))
    pm.unregister(plugin)
    pm.register(without_cells, name=name)
    return True
