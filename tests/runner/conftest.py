"""Fixtures for the runner tests: a tiny clip corpus written once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import runner_fakes as fakes


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    fakes.make_corpus(root)
    return root


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("FAKE_KILL", raising=False)
