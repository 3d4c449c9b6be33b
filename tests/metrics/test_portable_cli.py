"""`eatbench metrics compute --profile portable --gen V --ref R --source S` on a real face talking with real
recorded speech, run as the real command: every portable metric gives a value, with no file downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import real_talking as rt

from eatbench.io import Audio, write_video
from eatbench.metrics.registry import PORTABLE_ORDER


@pytest.mark.slow
def test_metrics_compute_portable_scores_a_real_talking_video(tmp_path):
    import cv2

    audio = rt.speech((5.0, 8.0))
    frames = rt.talking_frames("grace-hopper", audio)
    # Two blinks, so the ground truth has a blink rate to compare with (none would leave BlinkRate n/a).
    lm = rt._mesh("grace-hopper")
    for start in (20, len(frames) // 2):
        for j, amount in enumerate((0.6, 1.0, 0.6)):
            frames[start + j] = rt.close_eyes(frames[start + j], lm, amount)
    track = Audio(audio.astype(np.float32) / 32768.0)
    write_video(tmp_path / "gen.mkv", frames, audio=track)
    write_video(tmp_path / "ref.mkv", frames, audio=track)
    cv2.imwrite(str(tmp_path / "source.png"), cv2.cvtColor(rt.faces()["grace-hopper"], cv2.COLOR_RGB2BGR))
    env = {**os.environ, "EATBENCH_WEIGHTS": str(tmp_path / "no-weights")}  # nothing but what pip installed
    args = ["metrics", "compute", "--profile", "portable", "--gen", "gen.mkv", "--ref", "ref.mkv"]
    args += ["--source", "source.png", "--emotion", "neutral", "--json"]
    proc = subprocess.run(
        [sys.executable, "-m", "eatbench.cli", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = {r["metric"]: r for r in json.loads(proc.stdout)["metrics"]}
    assert set(PORTABLE_ORDER) <= set(got)
    assert all(got[k]["error"] is None for k in PORTABLE_ORDER), {k: got[k]["error"] for k in PORTABLE_ORDER}
    assert got["csim-portable"]["value"] > 0.96 and got["lip-sync-corr"]["value"] > 0.8
    assert got["mouth-dynamics-ratio"]["value"] == 1.0 and got["head-motion"]["value"] == 1.0
    assert got["blink-rate"]["value"] == 1.0  # the same video as its ground truth
    assert got["emo-acc-portable"]["value"] > 50.0  # Grace Hopper's still face is neutral to the judge
