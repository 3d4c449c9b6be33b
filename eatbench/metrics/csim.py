"""CSIM: cosine similarity of ArcFace identity embeddings (Zakharov et al. 2019; metrics-protocols.md §3).

Every generated frame is aligned with insightface's ``norm_crop`` from MediaPipe's five points
(iris centres 468/473, nose tip 1, mouth corners 61/291) and embedded with ``w600k_r50.onnx``; its
cosine similarity with the reference embedding is averaged over the frames of a video, then over
videos. The pairing is a setting and part of the protocol id:

- ``source`` (default, the audio-driven one-shot convention): the source identity image vs every
  generated frame;
- ``gt`` (self-reenactment, Zakharov et al.): generated frame vs the aligned ground-truth frame
  (EAT pairing of :func:`~eatbench.metrics.functional.align.aligned_indices`).

Frames where MediaPipe finds no face (in the generated or the paired ground-truth frame) are skipped and
counted; a video without any scorable frame is counted as skipped. A source image without a face is an
input error.

Example:
    >>> CSIM(pairing="gt").protocol
    'insightface-w600k_r50/mediapipe5-norm_crop/gt-v1'
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Literal

import numpy as np

from eatbench.errors import EatbenchError, InputError
from eatbench.judges.functional.similarity import cosine
from eatbench.metrics.base import METRICS, Metric, Needs, Profile, Sample

Pairing = Literal["source", "gt"]


def landmarks(sample: Sample, which: Literal["gen", "gt", "source"]) -> np.ndarray:
    """``(T, 478, 2)`` Face Mesh points of the generated/GT frames or the source image, cached per sample
    (``landmarks_gen``/``landmarks_gt`` are shared with the landmark metrics through
    :func:`eatbench.metrics.shared.mesh_landmarks`)."""
    if which != "source":
        from eatbench.metrics.shared import mesh_landmarks

        return mesh_landmarks(sample, which)
    if "landmarks_source" not in sample.cache:
        from eatbench.preprocess.mediapipe_face import face_mesh

        sample.cache["landmarks_source"] = face_mesh(sample.source[None])
    return sample.cache["landmarks_source"]


def embed_frames(judge: Any, frames: np.ndarray, lmks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings ``(T, D)`` of every frame (zeros where no face) and the ``(T,)`` face mask."""
    from eatbench.judges.arcface import aligned_crops

    crops, ok = aligned_crops(frames, lmks)
    emb = judge.embed(crops)
    out = np.zeros((len(frames), emb.shape[1]), np.float32)
    out[ok] = emb
    return out, ok


@METRICS.register("csim")
class CSIM(Metric):
    """CSIM: mean ArcFace cosine similarity to the source image (or GT frames); higher is better."""

    name: ClassVar[str] = "csim"
    display: ClassVar[str] = "CSIM"
    higher_is_better: ClassVar[bool] = True
    needs: ClassVar[tuple[Needs, ...]] = ("source",)
    protocol: ClassVar[str] = "insightface-w600k_r50/mediapipe5-norm_crop/source-v1"
    weights: ClassVar[tuple[str, ...]] = ("arcface",)

    def __init__(self, profile: Profile = "official", pairing: Pairing = "source", **settings: Any) -> None:
        if pairing not in ("source", "gt"):
            raise EatbenchError(f"csim pairing must be 'source' or 'gt', got {pairing!r}")
        super().__init__(profile, pairing=pairing, **settings)
        self.pairing = pairing
        self.needs = (pairing,)  # type: ignore[misc]  (per-instance: the pairing decides the input)
        self.protocol = f"insightface-w600k_r50/mediapipe5-norm_crop/{pairing}-v1"  # type: ignore[misc]

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        from eatbench.judges.arcface import arcface_for
        from eatbench.metrics.functional.align import aligned_indices

        clip = sample.clip_id or "clip"
        reference = sample.source if self.pairing == "source" else sample.gt
        if reference is None:
            raise InputError(f"{clip}: CSIM with pairing {self.pairing!r} needs the {self.pairing} image/video")
        judge = arcface_for(self.profile)

        # 1. The reference: the source image (checked first: no face there is an input error) or the GT frames.
        if self.pairing == "source":
            src_emb, src_ok = embed_frames(judge, sample.source[None], landmarks(sample, "source"))
            if not src_ok[0]:
                raise InputError(f"{clip}: no face found in the source image (MediaPipe Face Mesh)")
            gen_idx = np.arange(len(sample.gen))
            ref_emb, ref_ok = np.repeat(src_emb, len(gen_idx), axis=0), np.ones(len(gen_idx), bool)
        else:
            gen_idx, gt_idx = aligned_indices(len(sample.gen), len(sample.gt))
            gt_emb, gt_ok = embed_frames(judge, sample.gt, landmarks(sample, "gt"))
            ref_emb, ref_ok = gt_emb[gt_idx], gt_ok[gt_idx]

        # 2. The generated frames that have a face, paired with the reference.
        gen_emb, gen_ok = embed_frames(judge, sample.gen, landmarks(sample, "gen"))
        ok = gen_ok[gen_idx] & ref_ok

        # 3. Frame mean, then this video's contribution to the video mean.
        n_frames = len(gen_idx)
        if not ok.any():
            return {"sum": 0.0, "n": 0, "frames": n_frames, "frames_skipped": n_frames, "videos_skipped": 1}
        sims = cosine(gen_emb[gen_idx][ok], ref_emb[ok])
        return {
            "sum": float(sims.mean()),
            "n": 1,
            "frames": n_frames,
            "frames_skipped": int(n_frames - ok.sum()),
            "videos_skipped": 0,
        }

    def value(self, state: dict[str, Any]) -> float:
        return state["sum"] / state["n"] if state.get("n") else math.nan
