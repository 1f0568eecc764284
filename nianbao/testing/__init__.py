"""Test data generators: seeded mock county portals (``portalgen``)."""
