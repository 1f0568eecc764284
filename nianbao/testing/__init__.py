"""Test helpers shipped with the package: mock portals for tests and benchmarks."""
