"""Fixtures for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from eatbench.store import ResultsStore


@pytest.fixture
def store(tmp_path: Path) -> ResultsStore:
    return ResultsStore(tmp_path / "results.db")
