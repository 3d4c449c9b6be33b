"""Fixtures for the method tests: a tiny MEAD tree of real-face clips, prepared once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory):
    """A session-wide EATBENCH_HOME (the preprocessing cache is shared by all tests)."""
    path = tmp_path_factory.mktemp("home")
    old = os.environ.get("EATBENCH_HOME")
    os.environ["EATBENCH_HOME"] = str(path)
    yield path
    if old is None:
        os.environ.pop("EATBENCH_HOME", None)
    else:
        os.environ["EATBENCH_HOME"] = old


@pytest.fixture(scope="session")
def mead(tmp_path_factory: pytest.TempPathFactory, home: Path):
    """(root, clips) of a 2-actor × (angry, neutral) MEAD tree."""
    root = tmp_path_factory.mktemp("MEAD")
    import methods_kit

    return root, methods_kit.make_mead(root)


@pytest.fixture(scope="session")
def clip(mead):
    return mead[1][0]
