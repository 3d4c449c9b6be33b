"""Session-wide test settings: a private EATBENCH_HOME, offline hubs, and the shared MEAD fixture.

No test may read or write the user's real ``~/.cache/eatbench``: the whole session gets a temporary
home (tests that need their own override it with monkeypatch), and every hub is offline.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="eatbench-test-home-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["EATBENCH_HOME"] = str(_SESSION_HOME)
    os.environ.pop("EATBENCH_WEIGHTS", None)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ warnings, in subprocesses
    sys.path.insert(0, str(Path(__file__).resolve().parent / "methods"))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session home: it holds preprocessed clips and trained models (hundreds of MB)."""
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def home() -> Path:
    """The session-wide EATBENCH_HOME (the preprocessing cache is shared by the tests that use it)."""
    return _SESSION_HOME


@pytest.fixture(scope="session")
def mead(tmp_path_factory: pytest.TempPathFactory, home: Path):
    """(root, clips) of a 2-actor × (angry, neutral) MEAD tree of real-face clips."""
    import methods_kit

    root = tmp_path_factory.mktemp("MEAD")
    return root, methods_kit.make_mead(root)


@pytest.fixture(scope="session")
def clip(mead):
    return mead[1][0]
