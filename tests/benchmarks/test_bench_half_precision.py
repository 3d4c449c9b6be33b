"""The half-precision sampling benchmark's CPU path (issue 17): it runs on the tiny preset and reports every setting.

The GPU figures need an accelerator; here the same script runs end to end on the CPU, so a session with one
only has to run it. The PSNR it reports is checked against a recomputation from its definition.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_half_precision.py"


def test_psnr_db_matches_its_definition():
    sys.path.insert(0, str(SCRIPT.parent))
    from bench_half_precision import psnr_db

    a = np.zeros((2, 4, 4, 3), np.uint8)
    b = a.copy()
    b[0, 0, 0, 0] = 10  # MSE = 100 / 96
    assert psnr_db(a, b) == pytest.approx(10 * math.log10(255**2 / (100 / 96)))
    assert psnr_db(a, a) == math.inf


@pytest.mark.slow
def test_cpu_path_on_the_tiny_preset(tmp_path):
    out = tmp_path / "half.json"
    args = ["--device", "cpu", "--preset", "tiny", "--frames", "4", "--ddim-steps", "1", "--dtypes", "bf16"]
    args += ["--repeats", "1", "--warmups", "0", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(out.read_text())
    fp32, bf16 = result["settings"]["fp32"], result["settings"]["bf16+sdpa+channels_last"]
    assert fp32["seconds"] > 0 and bf16["seconds"] > 0 and bf16["fps"] == pytest.approx(4 / bf16["seconds"], rel=0.02)
    assert bf16["attention"] == ["AttnProcessor2_0"]  # SDPA
    assert 20 < bf16["psnr_vs_fp32_db"] < math.inf  # bf16 changes the frames, but not into noise


def test_unknown_dtype_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--device", "cpu", "--preset", "tiny", "--dtypes", "fp8"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode != 0 and "--dtypes: unknown fp8" in proc.stderr
