"""Serve generated portals on 127.0.0.1 with the bundled portals' server."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nianbao.testing.portalgen.portal import Portal
from nianbao.testing.portalserver import PortalServer


@contextmanager
def serve_generated(
    portals: Iterable[Portal], root: Path, *, lifetime: float = 300.0
) -> Iterator[dict[str, PortalServer]]:
    """Write each portal under ``root/<key>/`` and serve it; stop every server on exit."""
    servers: dict[str, PortalServer] = {}
    try:
        for portal in portals:
            portal.write(root / portal.key)
            servers[portal.key] = PortalServer(portal.key, root=root, lifetime=lifetime).start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()
