"""M-LMD and F-LMD: mouth and face landmark distances, the EAMM/EAT definition (reference §7).

For each clip, generated and ground-truth frames are paired as in ``evaluation_eat/code/test_lmd.py``
(``np.linspace(0, n, min_len, endpoint=False)``), 68 landmarks are found on both, each point set
(mouth = iBUG 48..67, face = all 68) is centred on its own mean per frame, and the Euclidean
distances are summed; the clip's score is ``Σ dist / (valid_frames · n_points)`` and the reported value
is the mean over clips with at least one valid frame (frames where either face is missing are skipped,
and counted in the state so nothing is dropped silently).

Landmark sources (the ``landmarks`` setting, written into the protocol id):

- ``mediapipe-68`` (default, runs anywhere): Face Mesh 478 points mapped onto iBUG-68 by
  :mod:`eatbench.metrics.landmarks68`; reuses ``sample.cache["landmarks_gen"/"landmarks_gt"]``.
- ``dlib-68``: dlib's frontal detector (upsample 0) and ``shape_predictor_68_face_landmarks.dat``, as the
  EAT script runs them, including its gray conversion of RGB frames with BGR weights
  (``cv2.cvtColor(frame, COLOR_BGR2GRAY)`` on an RGB frame). Needs the ``dlib`` package and the predictor
  file in ``$EATBENCH_WEIGHTS``.

Distances are in pixels of the frames given (the benchmark's 256² crops; EAT measures on 128² aligned
crops, so its numbers are about half as large for the same motion).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.metrics.base import METRICS, Metric, Profile, Sample
from eatbench.metrics.functional.align import aligned_indices
from eatbench.metrics.functional.lmd import FACE, MOUTH, lmd_sums
from eatbench.metrics.landmarks68 import to_68
from eatbench.metrics.shared import check_frames, mesh_landmarks
from eatbench.paths import weights_dir
from eatbench.registry import did_you_mean

LANDMARK_SOURCES = ("mediapipe-68", "dlib-68")
DLIB_PREDICTOR = "shape_predictor_68_face_landmarks.dat"


def dlib_landmarks(frames: np.ndarray) -> np.ndarray:
    """dlib 68 landmarks ``(T, 68, 2)`` of uint8 RGB frames (NaN rows where no face), as EAT's script.

    Raises:
        MissingWeightsError: ``dlib`` is not installed or the predictor file is absent.
    """
    import cv2

    try:
        import dlib
    except ImportError:
        raise MissingWeightsError(
            "landmarks 'dlib-68' need the dlib package (pip install dlib); use landmarks='mediapipe-68'"
        ) from None
    path = weights_dir() / DLIB_PREDICTOR
    if not path.is_file():
        raise MissingWeightsError(
            f"{DLIB_PREDICTOR} not found in {weights_dir()}; download it from dlib.net/files "
            "(shape_predictor_68_face_landmarks.dat.bz2), unpack it there, or use landmarks='mediapipe-68'"
        )
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(str(path))
    out = np.full((len(frames), 68, 2), np.nan, np.float64)
    for i, frame in enumerate(frames):
        g = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # EAT feeds RGB frames with BGR weights
        rects = detector(g, 0)
        if len(rects):
            shape = predictor(g, rects[0])
            out[i] = [(shape.part(k).x, shape.part(k).y) for k in range(68)]
    return out


class _LandmarkDistance:
    """Shared state and math of M-LMD and F-LMD (a mixin placed before :class:`Metric`).

    A mixin rather than an intermediate ``Metric`` subclass because the base class checks the required
    class attributes on every concrete subclass, and this one has no name of its own.
    """

    points: ClassVar[np.ndarray]
    protocol: str  # the class value names mediapipe-68; an instance names its own source
    higher_is_better = False
    needs = ("gt",)

    def __init__(self, profile: Profile = "official", landmarks: str = "mediapipe-68") -> None:
        if landmarks not in LANDMARK_SOURCES:
            raise EatbenchError(
                f"landmark source {landmarks!r} is not known{did_you_mean(landmarks, list(LANDMARK_SOURCES))}"
            )
        super().__init__(profile, landmarks=landmarks)  # type: ignore[call-arg]  # Metric.__init__
        self.landmarks = landmarks
        self.protocol = type(self).protocol.replace("mediapipe-68", landmarks)

    def _landmarks68(self, sample: Sample) -> tuple[np.ndarray, np.ndarray]:
        gen = check_frames(sample.gen, "generated video")
        gt = check_frames(sample.gt, "ground-truth video (--ref)")
        gi, ti = aligned_indices(len(gen), len(gt))
        if self.landmarks == "mediapipe-68":
            return to_68(mesh_landmarks(sample, "gen"))[gi], to_68(mesh_landmarks(sample, "gt"))[ti]
        for which, frames in (("gen", gen), ("gt", gt)):
            if f"dlib68_{which}" not in sample.cache:
                sample.cache[f"dlib68_{which}"] = dlib_landmarks(frames)
        return sample.cache["dlib68_gen"][gi], sample.cache["dlib68_gt"][ti]

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen68, gt68 = self._landmarks68(sample)
        dist, valid = lmd_sums(gen68, gt68, self.points)
        video = dist / (valid * len(self.points)) if valid else 0.0
        return {
            "video_sum": video,  # Σ over clips of the clip score
            "videos": int(valid > 0),  # clips with at least one valid frame
            "videos_without_face": int(valid == 0),
            "frames": valid,
            "frames_skipped": len(gen68) - valid,
        }

    def value(self, state: dict[str, Any]) -> float:
        if not state or state.get("videos", 0) == 0:
            return float("nan")
        return state["video_sum"] / state["videos"]


@METRICS.register("m-lmd")
class MouthLMD(_LandmarkDistance, Metric):
    """Mouth landmark distance (20 points, iBUG 48..67), pixels; lower is better."""

    name = "m-lmd"
    display = "M-LMD"
    points = MOUTH
    protocol = "eamm-eat/m-lmd/mediapipe-68/centred/eat-linspace@v1"


@METRICS.register("f-lmd")
class FaceLMD(_LandmarkDistance, Metric):
    """Face landmark distance (all 68 points), pixels; lower is better."""

    name = "f-lmd"
    display = "F-LMD"
    points = FACE
    protocol = "eamm-eat/f-lmd/mediapipe-68/centred/eat-linspace@v1"
