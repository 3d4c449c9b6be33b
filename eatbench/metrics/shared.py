"""Data derived from one :class:`~eatbench.metrics.base.Sample` that several metrics share.

Each helper computes its result once per sample and keeps it in ``sample.cache`` under a documented
key, so PSNR, SSIM and LPIPS pair the same frames, and M-LMD and F-LMD (and any other landmark user)
run Face Mesh once per video:

- ``"aligned"``: ``(gen, gt)`` frame arrays paired as the EAT evaluation does (:func:`aligned_frames`);
- ``"gray_gen"``: ITU-R 601 grayscale of the generated frames (:func:`gray_frames`);
- ``"landmarks_gen"`` / ``"landmarks_gt"``: Face Mesh ``(T, 478, 2)`` pixel landmarks, NaN rows where no
  face was found (:func:`mesh_landmarks`).
"""

from __future__ import annotations

import numpy as np

from eatbench.errors import InputError
from eatbench.metrics.base import Sample
from eatbench.metrics.functional.align import aligned_indices


def check_frames(frames: np.ndarray | None, what: str) -> np.ndarray:
    """``frames`` as uint8 ``(T, H, W, 3)``, or a one-line InputError naming ``what``."""
    if frames is None:
        raise InputError(f"{what}: needed by this metric but not given")
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or len(frames) == 0:
        raise InputError(f"{what}: expected uint8 RGB frames (T, H, W, 3), got {frames.dtype} {frames.shape}")
    return frames


def aligned_frames(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """Generated and ground-truth frames paired by ``np.linspace(0, n, min_len, endpoint=False)``.

    Raises:
        InputError: no ground truth, or the two videos have different frame sizes.
    """
    if "aligned" not in sample.cache:
        gen = check_frames(sample.gen, "generated video")
        gt = check_frames(sample.gt, "ground-truth video (--ref)")
        if gen.shape[1:] != gt.shape[1:]:
            raise InputError(
                f"generated frames are {gen.shape[2]}x{gen.shape[1]} but ground-truth frames are "
                f"{gt.shape[2]}x{gt.shape[1]}; full-reference metrics compare same-size face crops "
                "(run both through the same preprocessing)"
            )
        gi, ti = aligned_indices(len(gen), len(gt))
        sample.cache["aligned"] = (gen[gi], gt[ti])
    return sample.cache["aligned"]


def gray_frames(sample: Sample) -> np.ndarray:
    """ITU-R 601 grayscale (OpenCV ``RGB2GRAY``) of the generated frames, ``(T, H, W)`` uint8."""
    if "gray_gen" not in sample.cache:
        from eatbench.metrics.functional.cpbd import gray

        sample.cache["gray_gen"] = gray(check_frames(sample.gen, "generated video"))
    return sample.cache["gray_gen"]


def mesh_landmarks(sample: Sample, which: str) -> np.ndarray:
    """Face Mesh landmarks ``(T, 478, 2)`` of the generated (``"gen"``) or ground-truth (``"gt"``) frames."""
    key = f"landmarks_{which}"
    if key not in sample.cache:
        from eatbench.preprocess.mediapipe_face import face_mesh

        frames = sample.gen if which == "gen" else sample.gt
        sample.cache[key] = face_mesh(check_frames(frames, "generated video" if which == "gen" else "ground truth"))
    return sample.cache[key]
