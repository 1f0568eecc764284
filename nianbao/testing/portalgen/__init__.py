"""A seeded generator of mock county portals in real Chinese CMS styles, with manifests.

    portal = generate(7)                      # every choice drawn from the seed
    portal = generate(7, family="hanweb")     # some choices pinned
    portal.write(Path("site"))                # www/, lists/, site.json, expected.json

Served by ``nianbao.testing.portalserver.PortalServer(key, root=…)`` like the bundled portals
(``serve_generated``).
"""

from nianbao.testing.portalgen.portal import (
    FAMILIES,
    Choices,
    Portal,
    draw_choices,
    generate,
    needs_browser,
)
from nianbao.testing.portalgen.serve import serve_generated

__all__ = [
    "FAMILIES",
    "Choices",
    "Portal",
    "draw_choices",
    "generate",
    "needs_browser",
    "serve_generated",
]
