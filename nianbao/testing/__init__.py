"""Test infrastructure shared by the tests, the sample portals and the benchmarks."""
