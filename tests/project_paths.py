"""Where the project and the test data are, for tests that need a path (imported by name: tests/ is on
pytest's path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
