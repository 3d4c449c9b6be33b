"""Fixtures for the judge tests: random weights written in the official file formats and names."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def weights_env(tmp_path, monkeypatch):
    """An empty EATBENCH_WEIGHTS, TORCH_HOME and HOME, so nothing real is found by accident."""
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    torch.hub.set_dir(str(tmp_path / "torch" / "hub"))
    yield tmp_path
    torch.hub._hub_dir = None
