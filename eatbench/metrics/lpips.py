"""LPIPS (Zhang et al. 2018): learned perceptual distance between generated and ground-truth frames.

The ``lpips`` 0.1.4 definition, AlexNet trunk, v0.1 (metrics-protocols.md §5): each frame pair is mapped
to RGB in [-1, 1] exactly as ``lpips.im2tensor`` does (``x / 127.5 − 1`` in float64, then float32), scored
per frame, and frames of all videos are pooled (sum and count), as the MEAD-family PSNR/SSIM are. Frame
pairs follow :func:`eatbench.metrics.functional.align.aligned_indices` (the EAT pairing).

Example:
    >>> LPIPS.display, LPIPS.higher_is_better, LPIPS.needs
    ('LPIPS', False, ('gt',))
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from eatbench.errors import InputError
from eatbench.metrics.base import METRICS, Metric, Needs, Sample


def frames_to_lpips_input(frames: np.ndarray) -> Any:
    """``(T, H, W, 3)`` uint8 RGB -> ``(T, 3, H, W)`` float32 tensor in [-1, 1] (``lpips.im2tensor``)."""
    import torch

    return torch.from_numpy((frames.astype(np.float64) / 127.5 - 1.0).astype(np.float32)).permute(0, 3, 1, 2)


def lpips_per_frame(net: Any, gen: np.ndarray, gt: np.ndarray, batch_size: int = 16) -> np.ndarray:
    """LPIPS of each aligned frame pair, ``(T,)`` float64."""
    import torch

    from eatbench.metrics.functional.align import aligned_indices

    gi, ti = aligned_indices(len(gen), len(gt))
    out = []
    with torch.no_grad():
        for s in range(0, len(gi), batch_size):
            x0 = frames_to_lpips_input(gen[gi[s : s + batch_size]])
            x1 = frames_to_lpips_input(gt[ti[s : s + batch_size]])
            out.append(net(x0, x1).double().numpy())
    return np.concatenate(out)


@METRICS.register("lpips")
class LPIPS(Metric):
    """LPIPS-Alex v0.1, per-frame, frames pooled over all videos (lower is better)."""

    name: ClassVar[str] = "lpips"
    display: ClassVar[str] = "LPIPS"
    higher_is_better: ClassVar[bool] = False
    needs: ClassVar[tuple[Needs, ...]] = ("gt",)
    protocol: ClassVar[str] = "lpips@0.1.4/alex-v0.1/frames-pooled"
    weights: ClassVar[tuple[str, ...]] = ("lpips-alex", "lpips-alex-lin")

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        from eatbench.judges.lpips_net import lpips_for

        if sample.gt is None:
            raise InputError(f"{sample.clip_id or 'clip'}: LPIPS needs the ground-truth video")
        if sample.gen.shape[1:] != sample.gt.shape[1:]:
            raise InputError(
                f"LPIPS: generated frames {sample.gen.shape[1:]} and ground truth {sample.gt.shape[1:]} differ in size"
            )
        values = lpips_per_frame(lpips_for(self.profile), sample.gen, sample.gt, **self.settings)
        return {"sum": float(values.sum()), "n": len(values)}

    def value(self, state: dict[str, Any]) -> float:
        return state["sum"] / state["n"] if state.get("n") else math.nan
