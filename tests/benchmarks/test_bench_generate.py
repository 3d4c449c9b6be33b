"""The generation benchmark (issue 14) runs ``eatbench generate`` end to end and splits its time by phase.

It wraps the functions the command calls by name, so a renamed function would leave a phase at zero or
stop the script: one real run (a demo face, the shipped weights) checks every phase is measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_generate.py"


@pytest.mark.slow
def test_one_generation_is_timed_in_every_phase(tmp_path):
    import cv2

    from eatbench.datasets.demo import generate_corpus
    from eatbench.datasets.registry import get_dataset
    from eatbench.io import write_audio
    from eatbench.preprocess.prepare import prepare_clip

    root = generate_corpus(tmp_path / "MEAD", seed=3, actors=["W009"], emotions=["neutral"], sentences=1, workers=1)
    prepared = prepare_clip(get_dataset("demo", root).clips()[0])
    cv2.imwrite(str(tmp_path / "face.png"), cv2.cvtColor(prepared.reference, cv2.COLOR_RGB2BGR))
    write_audio(tmp_path / "speech.wav", prepared.audio)
    out = tmp_path / "generate.json"
    args = ["--image", str(tmp_path / "face.png"), "--audio", str(tmp_path / "speech.wav"), "--repeats", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--out", str(out)], env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    best = json.loads(out.read_text())["best"]
    for phase in ("imports_s", "model_load_s", "mediapipe_s", "sampling_s"):
        assert best[phase] > 0, phase
    phases = sum(best[k] for k in ("startup_s", "imports_s", "model_load_s", "mediapipe_s", "sampling_s", "other_s"))
    assert best["other_s"] >= 0 and phases <= best["wall_s"] + 0.05
