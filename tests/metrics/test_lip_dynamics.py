"""The lip metrics on real faces and real recorded speech (tests/metrics/real_talking.py): a mouth that
opens with the speech's loudness is the truth; delayed audio, a still face, a mouth that moves with other
speech and a mouth that moves half as much must each lose where the metric says they should."""

from __future__ import annotations

import numpy as np
import pytest
import real_talking as rt

from eatbench.metrics.base import Sample
from eatbench.metrics.functional.face_dynamics import lagged_correlations, loudness_db, silent_motion_sum
from eatbench.metrics.lip_dynamics import MAX_LAG, LipSyncCorr, MouthDynamicsRatio, SilentLipStability
from eatbench.metrics.registry import compute_metrics

LIP = "lip-sync-corr,silent-lip-stability,mouth-dynamics-ratio"
PERSON = "grace-hopper"  # a closed mouth on the still: the opening is all the warp's


@pytest.fixture(scope="module")
def clips() -> dict[str, dict]:
    """Every case scored once: ``{case: {metric: Score}}``. The truth's Face Mesh landmarks are computed
    once and given to the cases whose video is the truth's (only their audio differs)."""
    from eatbench.preprocess.mediapipe_face import face_mesh

    audio = rt.speech()
    truth = rt.talking_frames(PERSON, audio)
    lm_truth = face_mesh(truth)
    still = np.repeat(rt.faces()[PERSON][None], len(truth), axis=0)
    cases = {
        "truth": (truth, audio),
        "audio-delayed-3": (truth, rt.delay(audio, 3)),
        "audio-delayed-8": (truth, rt.delay(audio, 8)),  # the shifted-audio reference method's delay
        "static": (still, audio),
        "other-speech": (rt.talking_frames(PERSON, rt.speech((12.0, 16.0))), audio),
        "half-opening": (rt.talking_frames(PERSON, audio, gain=0.5), audio),
    }
    out = {}
    for name, (gen, track) in cases.items():
        sample = Sample(gen=gen, gt=truth, audio=track, clip_id=name, cache={"landmarks_gt": lm_truth})
        if gen is truth:
            sample.cache["landmarks_gen"] = lm_truth
        out[name] = compute_metrics(sample, LIP, "portable")
        assert all(s.ok for s in out[name].values()), out[name]
    return out


def _value(clips, case: str, metric: str) -> float:
    return clips[case][metric].value


@pytest.mark.slow
def test_lip_sync_corr_ranks_the_truth_first_and_finds_the_delay(clips):
    v = {case: _value(clips, case, "lip-sync-corr") for case in clips}
    assert v["truth"] > 0.9
    assert v["truth"] > v["audio-delayed-3"] > 0.0 and v["truth"] > v["audio-delayed-8"]
    assert v["static"] == 0.0 and v["other-speech"] < 0.3  # no co-variation with this speech
    # The best lag finds a 3-frame audio delay (the mouth leads the sound: k = -3) and recovers r.
    metric = LipSyncCorr()
    delayed = metric.details(clips["audio-delayed-3"]["lip-sync-corr"].state)
    assert delayed["best_lag_counts"] == {"-3": 1} and delayed["best_lag_r"] > 0.9
    assert metric.details(clips["truth"]["lip-sync-corr"].state)["best_lag_counts"] == {"0": 1}


@pytest.mark.slow
def test_silent_lip_stability_punishes_a_mouth_moving_in_silence(clips):
    v = {case: _value(clips, case, "silent-lip-stability") for case in clips}
    assert v["truth"] < 0.05 and v["static"] == 0.0
    assert v["other-speech"] > 10 * v["truth"]  # it talks through the 1.7 s before anyone speaks
    assert v["audio-delayed-8"] > 5 * v["truth"]  # the mouth already moves in the delayed silence


@pytest.mark.slow
def test_mouth_dynamics_ratio_is_one_for_the_truth_and_falls_with_the_opening(clips):
    v = {case: _value(clips, case, "mouth-dynamics-ratio") for case in clips}
    assert v["truth"] == 1.0 and v["audio-delayed-8"] == 1.0  # same video
    assert v["static"] < 1e-6 and 0.05 < v["half-opening"] < 0.5


def test_loudness_and_lagged_correlation_by_hand():
    # 1. A full-scale square wave is 0 dBFS; a 0.1-amplitude one -20 dBFS; silence the floor; a frame past
    #    the end of the audio NaN. 640 samples per frame at 16 kHz and 25 fps.
    audio = np.concatenate([np.tile([32767, -32767], 320), np.tile([3277, -3277], 320), np.zeros(640)])
    e = loudness_db(audio.astype(np.int16), 4, 25.0, 16000)
    assert np.allclose(e[:3], [0.0, -20.0, -100.0], atol=0.01) and np.isnan(e[3])
    # 2. The mouth is the loudness two frames later: r = 1 at k = +2, and NaN where fewer than 10 pairs.
    rng = np.random.default_rng(0)
    loud = rng.normal(size=40)
    mouth = np.concatenate([[0.0, 0.0], loud[:-2]])
    r = lagged_correlations(mouth, loud, np.ones(40, bool), MAX_LAG)
    assert r[2] == pytest.approx(1.0) and max(r, key=r.get) == 2 and abs(r[0]) < 0.5
    assert np.isnan(lagged_correlations(mouth, loud, np.arange(40) < 9, 0)[0])


def test_silent_motion_and_the_ratio_by_hand():
    mouth = np.array([0.0, 0.1, 0.3, 0.3, np.nan, 0.2])
    speech = np.array([False, False, False, True, False, False])
    # Pairs (0,1) and (1,2) are silent with faces: |0.1| + |0.2| = 0.3, × 25 fps.
    assert silent_motion_sum(mouth, speech, 25.0) == (pytest.approx(7.5), 2)
    assert SilentLipStability().value({"sum_velocity": 7.5, "pairs": 2}) == 3.75
    assert np.isnan(MouthDynamicsRatio().value({"var_gen": 1.0, "var_gt": 0.0, "n": 1}))
