"""PSNR and SSIM, the MEAD/EVP/EAMM/EAT full-reference protocol (reference §6).

Generated and ground-truth frames are paired as the EAT evaluation pairs them
(:func:`~eatbench.metrics.shared.aligned_frames`); every pair is scored in RGB with data range 255 and
the value is the mean over **all frames pooled** (frame-weighted across videos, as
``evaluation_eat/code/test_psnr_ssim.py`` averages its per-frame lists). The state is the sum of the
per-frame values and the frame count, so shards and cached clips merge exactly.

- ``psnr``: ``skimage.metrics.peak_signal_noise_ratio``; identical frames are clamped at 100 dB
  (:data:`~eatbench.metrics.functional.psnr.PSNR_MAX_DB`) instead of +inf.
- ``ssim``: ``skimage.metrics.structural_similarity(channel_axis=-1)`` defaults (7×7 uniform window,
  sample covariance); ``SSIM(window="gaussian11")`` is the Wang et al. setting under its own protocol id.

Example:
    >>> import numpy as np
    >>> from eatbench.metrics.base import Sample
    >>> f = np.zeros((3, 16, 16, 3), np.uint8)
    >>> m = PSNR()
    >>> m.value(m.clip_state(Sample(gen=f, gt=f)))
    100.0
"""

from __future__ import annotations

from typing import Any

from eatbench.errors import EatbenchError
from eatbench.metrics.base import METRICS, Metric, Profile, Sample
from eatbench.metrics.functional.psnr import PSNR_MAX_DB, psnr
from eatbench.metrics.functional.ssim import ssim
from eatbench.metrics.shared import aligned_frames
from eatbench.registry import did_you_mean


def _frame_mean(state: dict[str, Any]) -> float:
    if not state or state.get("frames", 0) == 0:
        return float("nan")
    return state["sum"] / state["frames"]


@METRICS.register("psnr")
class PSNR(Metric):
    """Peak signal-to-noise ratio (dB) of generated vs ground-truth frames, frames pooled."""

    name = "psnr"
    display = "PSNR"
    higher_is_better = True
    needs = ("gt",)
    protocol = f"eat-mead/skimage-psnr/rgb-255/frame-pooled/clamp-{PSNR_MAX_DB:g}dB@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen, gt = aligned_frames(sample)
        values = psnr(gen, gt)
        return {"sum": float(values.sum()), "frames": len(values)}

    def value(self, state: dict[str, Any]) -> float:
        return _frame_mean(state)


SSIM_PROTOCOLS = {
    "uniform7": "eat-mead/skimage-ssim/uniform7-samplecov/rgb-255/frame-pooled@v1",
    "gaussian11": "wang2004/skimage-ssim/gaussian11-sigma1.5-popcov/rgb-255/frame-pooled@v1",
}


@METRICS.register("ssim")
class SSIM(Metric):
    """Structural similarity of generated vs ground-truth frames (RGB channel mean), frames pooled.

    Args:
        profile: the judge profile (SSIM needs no judge; kept for the common interface).
        window: ``"uniform7"`` (MEAD protocol, default) or ``"gaussian11"`` (Wang et al. 2004).
    """

    name = "ssim"
    display = "SSIM"
    higher_is_better = True
    needs = ("gt",)
    protocol = SSIM_PROTOCOLS["uniform7"]

    def __init__(self, profile: Profile = "official", window: str = "uniform7") -> None:
        if window not in SSIM_PROTOCOLS:
            raise EatbenchError(f"ssim window {window!r} is not known{did_you_mean(window, list(SSIM_PROTOCOLS))}")
        super().__init__(profile, window=window)
        self.window = window
        self.protocol = SSIM_PROTOCOLS[window]

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        gen, gt = aligned_frames(sample)
        values = ssim(gen, gt, window=self.window)  # type: ignore[arg-type]
        return {"sum": float(values.sum()), "frames": len(values)}

    def value(self, state: dict[str, Any]) -> float:
        return _frame_mean(state)
