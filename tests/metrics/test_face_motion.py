"""Blink rate and head motion on a real face (the astronaut) whose eyes are closed and head tilted by
known amounts (tests/metrics/real_talking.py): the ratios to the ground truth follow."""

from __future__ import annotations

import numpy as np
import pytest
import real_talking as rt

from eatbench.metrics.base import Sample
from eatbench.metrics.face_motion import BlinkRate, HeadMotion
from eatbench.metrics.functional.face_dynamics import count_blinks, rigid_speed_sum
from eatbench.metrics.registry import compute_metrics

N = 75  # 3 s at 25 fps
PERSON = "eileen-collins"


@pytest.fixture(scope="module")
def scores() -> dict[str, dict]:
    """``{case: {metric: Score}}``: the truth blinks twice and sways ±3° at 0.8 Hz."""
    from eatbench.preprocess.mediapipe_face import face_mesh

    sway = 3.0 * np.sin(2 * np.pi * 0.8 * np.arange(N) / 25.0)
    truth = rt.blinking_frames(PERSON, N, [10, 45], sway)
    lm_truth = face_mesh(truth)
    cases = {
        "truth": truth,
        "frozen": rt.blinking_frames(PERSON, N, []),
        "four-blinks-double-sway": rt.blinking_frames(PERSON, N, [5, 25, 45, 62], 2 * sway),
    }
    out = {}
    for name, gen in cases.items():
        sample = Sample(gen=gen, gt=truth, clip_id=name, cache={"landmarks_gt": lm_truth})
        if gen is truth:
            sample.cache["landmarks_gen"] = lm_truth
        out[name] = compute_metrics(sample, "blink-rate,head-motion", "portable")
        assert all(s.ok for s in out[name].values()), out[name]
    return out


@pytest.mark.slow
def test_blink_rate_counts_the_blinks_made(scores):
    assert scores["truth"]["blink-rate"].state["blinks_gt"] == 2
    assert scores["truth"]["blink-rate"].value == 1.0
    assert scores["frozen"]["blink-rate"].value == 0.0
    assert scores["four-blinks-double-sway"]["blink-rate"].value == 2.0
    assert BlinkRate().details(scores["truth"]["blink-rate"].state)["blinks_per_min_gt"] == pytest.approx(40.0)


@pytest.mark.slow
def test_head_motion_follows_the_sway(scores):
    assert scores["truth"]["head-motion"].value == 1.0
    assert scores["frozen"]["head-motion"].value == 0.0  # identical frames, identical landmarks
    assert 1.7 < scores["four-blinks-double-sway"]["head-motion"].value < 2.3


def test_blinks_and_speed_by_hand():
    # 1. Median 0.3, threshold 0.225: runs of 1 and 2 closed frames are blinks; a 13-frame run is not;
    #    a frame without a face ends a run.
    ear = np.full(40, 0.3)
    ear[[3, 10, 11]] = 0.1
    ear[20:33] = 0.1
    ear[36], ear[37], ear[38] = 0.1, np.nan, 0.1
    assert count_blinks(ear) == 4 and count_blinks(np.full(5, np.nan)) == 0
    # 2. Every rigid point moves 1 px per frame, eyes 10 px apart: 0.1 IOD per frame, 2.5 IOD/s at 25 fps.
    lm = np.zeros((3, 478, 2))
    lm[:, 263, 0] = 10.0
    lm[:, :, 1] += np.arange(3)[:, None]
    assert rigid_speed_sum(lm, 25.0) == (pytest.approx(5.0), 2)
    assert np.isnan(HeadMotion().value({"speed_gen": 1.0, "pairs_gen": 1, "speed_gt": 0.0, "pairs_gt": 1}))
