"""Where the tests' real documents live (copied into the repository, see their README)."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = FIXTURES / "real" / "samples"
REAL_DOCS = FIXTURES / "real" / "docs"
