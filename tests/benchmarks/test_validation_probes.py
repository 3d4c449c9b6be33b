"""The issue-14 probes that inform choices read validation clips only, and degrade frames as they say."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", ["choose_mouth_weight.py", "lse_resolution_probe.py"])
def test_the_test_split_is_refused(script, tmp_path):
    args = [sys.executable, str(ROOT / "benchmarks" / script)]
    args += [str(tmp_path), "--steps", "10"] if script.startswith("choose") else []
    res = subprocess.run([*args, "--split", "test"], capture_output=True, text=True)
    assert res.returncode != 0 and "validation clips" in res.stderr and "Traceback" not in res.stderr


def test_round_trip_loses_detail_at_64_and_keeps_flat_colour():
    probe = _load("lse_resolution_probe")
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (2, 256, 256, 3), dtype=np.uint8)
    flat = np.full((1, 256, 256, 3), 120, np.uint8)
    np.testing.assert_array_equal(probe.round_trip(flat, 64), flat)
    err = {s: np.abs(probe.round_trip(frames, s).astype(int) - frames).mean() for s in (128, 64)}
    assert probe.round_trip(frames, 64).shape == frames.shape and 0 < err[128] < err[64]


def test_frozen_mouth_pastes_the_reference_lower_half_on_every_frame():
    probe = _load("lse_resolution_probe")
    frames = np.arange(4, dtype=np.uint8)[:, None, None, None] * np.ones((4, 8, 8, 3), np.uint8)
    out = probe.frozen_mouth(frames, reference_index=2)
    assert (out[:, 4:] == 2).all() and np.array_equal(out[:, :4], frames[:, :4])
