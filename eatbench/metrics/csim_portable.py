"""CSIM-portable: cosine similarity of dlib's 128-d face embeddings, source image vs generated frames.

CSIM's definition (:mod:`eatbench.metrics.csim`, ``source`` pairing) on the ``portable`` profile's identity
judge (:mod:`eatbench.judges.dlib_face`): dlib's ResNet face descriptor, pretrained on about 3 million
faces of 7485 real people, shipped by ``face-recognition-models`` and run by the ``dlib-bin`` wheel, with
dlib's own alignment — the HOG face box (no upsampling), the 5-point shape predictor (never the
non-commercial 68-point one) and the 150×150 face chip of ``compute_face_descriptor``. That is
``face_recognition.face_encodings(image, model="small")`` exactly; tests/judges/test_dlib_face.py checks
it against the ``face_recognition`` package on the same images and boxes.

1. The source image's embedding (no face there: an input error).
2. Every :data:`FRAME_STEP`-th generated frame (frames 0, 5, 10, ... at 25 fps: 5 per second): its
   embedding where dlib finds a face; frames without one are skipped and counted.
3. The mean cosine similarity over those frames is the clip's value; the reported CSIM-portable is the
   mean over clips (a clip without any scorable frame is counted as skipped).

Why every 5th frame: dlib's descriptor costs about 0.2 s of CPU per face without BLAS (the wheel has none),
so all 75 frames of a 3 s clip would take 15 s; identity changes slowly and 15 frames estimate its mean
closely. The step is a setting and part of the protocol id.

dlib's embeddings are trained so that one person's faces lie within Euclidean distance 0.6 (cosine above
about 0.82, since the vectors have norm near 1); results/portable/identity_auc.json measures how well
cosine similarity separates real people on the faces that pip packages ship.

Example:
    >>> CSIMPortable().protocol
    'dlib-resnet-v1/hog-up0-shape5-chip150/source/frame-step5@v1'
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from eatbench.errors import EatbenchError, InputError
from eatbench.judges.functional.similarity import cosine
from eatbench.metrics.base import METRICS, Needs, Profile, Sample
from eatbench.metrics.portable import PortableMetric, dlib_boxes
from eatbench.metrics.shared import check_frames

FRAME_STEP = 5


@METRICS.register("csim-portable")
class CSIMPortable(PortableMetric):
    """Mean dlib-embedding cosine similarity of generated frames to the source image; higher is better.

    Args:
        profile: ``portable`` (the only profile that provides it).
        frame_step: score frames 0, step, 2·step, ... of every clip.
    """

    name = "csim-portable"
    display = "CSIM-P"
    higher_is_better = True
    needs: ClassVar[tuple[Needs, ...]] = ("source",)
    protocol = f"dlib-resnet-v1/hog-up0-shape5-chip150/source/frame-step{FRAME_STEP}@v1"
    weights = ("dlib-shape-5", "dlib-face-recognition")

    def __init__(self, profile: Profile = "portable", frame_step: int = FRAME_STEP) -> None:
        if not isinstance(frame_step, int) or frame_step < 1:
            raise EatbenchError(f"csim-portable frame_step must be a positive integer, got {frame_step!r}")
        super().__init__(profile, frame_step=frame_step)
        self.frame_step = frame_step
        self.protocol = f"dlib-resnet-v1/hog-up0-shape5-chip150/source/frame-step{frame_step}@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        from eatbench.judges.dlib_face import dlib_judge

        clip = sample.clip_id or "clip"
        if sample.source is None:
            raise InputError(f"{clip}: CSIM-portable needs the source identity image (--source)")
        frames = check_frames(sample.gen, "generated video")
        judge = dlib_judge()

        # 1. The source embedding.
        src_emb, src_ok = judge.embed(sample.source[None], dlib_boxes(sample, "source"))
        if not src_ok[0]:
            raise InputError(f"{clip}: no face found in the source image (dlib HOG detector)")

        # 2. Every frame_step-th generated frame with a face.
        idx = np.arange(0, len(frames), self.frame_step)
        gen_emb, ok = judge.embed(frames[idx], dlib_boxes(sample, "gen", idx))

        # 3. Frame mean, then this video's contribution to the video mean.
        if not ok.any():
            return {"sum": 0.0, "n": 0, "frames": len(idx), "frames_skipped": len(idx), "videos_skipped": 1}
        sims = cosine(gen_emb[ok], np.repeat(src_emb, int(ok.sum()), axis=0))
        return {
            "sum": float(sims.mean()),
            "n": 1,
            "frames": len(idx),
            "frames_skipped": int(len(idx) - ok.sum()),
            "videos_skipped": 0,
        }

    def value(self, state: dict[str, Any]) -> float:
        return state["sum"] / state["n"] if state.get("n") else math.nan

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        return {k: state[k] for k in ("frames", "frames_skipped", "videos_skipped") if k in state}
