"""What the ``portable`` profile's metrics share: their base class and per-sample data computed once.

Like :mod:`eatbench.metrics.shared`, each helper keeps its result in ``sample.cache`` under a
documented key, so that metrics scored on the same sample run a judge once:

- ``"dlib_boxes_gen"`` / ``"dlib_boxes_source"``: dlib HOG face boxes ``(T, 4)`` (:func:`dlib_boxes`), used by
  CSIM-portable and Emo-Acc-portable;
- ``"speech_segments"``: Silero VAD's speech segments of the clip's audio (:func:`speech_mask`), used by
  lip-sync-corr and silent-lip-stability;
- ``"mouth_gen"`` / ``"mouth_gt"``: the mouth opening per frame (:func:`mouth_series`), from the Face Mesh
  landmarks that :func:`eatbench.metrics.shared.mesh_landmarks` caches for M-LMD/F-LMD too.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import numpy as np

from eatbench.errors import InputError
from eatbench.metrics.base import Metric, Profile, Sample
from eatbench.metrics.shared import check_frames, mesh_landmarks

FPS = 25.0
SAMPLE_RATE = 16000


class PortableMetric(Metric):
    """Base of the metrics that only the ``portable`` judge profile provides (and its default)."""

    profiles: ClassVar[tuple[Profile, ...]] = ("portable",)

    def __init__(self, profile: Profile = "portable", **settings: Any) -> None:
        super().__init__(profile, **settings)


def dlib_boxes(sample: Sample, which: Literal["gen", "source"], index: np.ndarray | None = None) -> np.ndarray:
    """dlib HOG face boxes ``(x, y, w, h)`` of the generated frames (``index``: only those, default all) or of
    the source image: ``(len(index), 4)`` float32, NaN rows where no face. Each frame is detected once per
    sample, whichever metric asks first."""
    from eatbench.judges.dlib_face import dlib_judge

    frames = check_frames(sample.gen, "generated video") if which == "gen" else sample.source[None]
    key = f"dlib_boxes_{which}"
    if key not in sample.cache:  # (boxes, which rows are computed)
        sample.cache[key] = (np.full((len(frames), 4), np.nan, np.float32), np.zeros(len(frames), bool))
    boxes, done = sample.cache[key]
    idx = np.arange(len(frames)) if index is None else np.asarray(index)
    todo = idx[~done[idx]]
    if len(todo):
        boxes[todo] = dlib_judge().boxes(frames[todo])
        done[todo] = True
    return boxes[idx]


def speech_mask(sample: Sample, n_frames: int) -> np.ndarray:
    """``(n_frames,)`` speech frames of the clip's audio under Silero VAD (segments cached per sample).

    Raises:
        InputError: the clip has no audio track.
    """
    from eatbench.judges.silero import speech_frames, speech_segments

    if sample.audio is None or len(sample.audio) == 0:
        raise InputError(f"{sample.clip_id or 'clip'}: the lip metrics need the clip's audio track; it has none")
    if "speech_segments" not in sample.cache:
        sample.cache["speech_segments"] = speech_segments(sample.audio, SAMPLE_RATE)
    return speech_frames(sample.cache["speech_segments"], n_frames, FPS)


def mouth_series(sample: Sample, which: Literal["gen", "gt"]) -> np.ndarray:
    """``(T,)`` mouth opening of the generated or ground-truth frames (cached)."""
    from eatbench.metrics.functional.face_dynamics import mouth_opening

    key = f"mouth_{which}"
    if key not in sample.cache:
        frames = sample.gen if which == "gen" else sample.gt
        check_frames(frames, "generated video" if which == "gen" else "ground-truth video (--ref)")
        sample.cache[key] = mouth_opening(mesh_landmarks(sample, which))
    return sample.cache[key]
