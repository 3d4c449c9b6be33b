"""Peak signal-to-noise ratio per frame, as ``skimage.metrics.peak_signal_noise_ratio`` computes it.

``PSNR = 10 log10(R² / MSE)`` with the MSE over H×W×C and ``R = 255`` for uint8 frames (the MEAD-family
protocol, reference §6). Identical frames have MSE 0 and PSNR +inf in scikit-image, which poisons a mean
over frames. We floor the MSE at ``R² · 10^(-max_db/10)``, so PSNR never exceeds ``max_db`` (100 dB by
default: an MSE of 6.5e-6 gray levels², far below one 8-bit quantisation step, so no real frame pair that
differs at all reaches the clamp; every MSE ≥ 1/(H·W·C) of a 256² RGB frame gives ≤ 71.1 dB).

Example:
    >>> import numpy as np
    >>> a = np.zeros((1, 4, 4, 3), np.uint8); b = a.copy(); b[0, 0, 0, 0] = 255
    >>> round(float(psnr(a, b)[0]), 4)  # MSE = 255²/48 -> 10 log10(48)
    16.8124
"""

from __future__ import annotations

import numpy as np

PSNR_MAX_DB = 100.0


def mse(gen: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Mean squared error per frame of two uint8 (or float) batches ``(T, H, W, C)`` -> ``(T,)`` float64.

    uint8 frames go through OpenCV's ``NORM_L2SQR`` (a double accumulator); the true sum of squared
    integer differences is an integer, so rounding it makes the result exact and equal to skimage's.
    """
    if gen.shape != gt.shape:
        raise ValueError(f"frame shapes differ: {gen.shape} vs {gt.shape}")
    if gen.ndim == 3:
        gen, gt = gen[None], gt[None]
    n = float(np.prod(gen.shape[1:]))
    if gen.dtype == np.uint8 and gt.dtype == np.uint8:
        import cv2

        sq = np.array([cv2.norm(x, y, cv2.NORM_L2SQR) for x, y in zip(gen, gt, strict=True)], np.float64)
        return np.rint(sq) / n
    diff = gen.astype(np.float64) - gt.astype(np.float64)
    return np.mean(np.square(diff).reshape(len(diff), -1), axis=1)


def psnr(gen: np.ndarray, gt: np.ndarray, data_range: float = 255.0, max_db: float = PSNR_MAX_DB) -> np.ndarray:
    """PSNR in dB of every frame pair, clamped at ``max_db``.

    Args:
        gen: generated frames ``(T, H, W, C)`` (or one frame ``(H, W, C)``), uint8 0..255.
        gt: ground-truth frames, same shape.
        data_range: R in the formula (255 for uint8 frames, as skimage infers from the dtype).
        max_db: the clamp for identical frames.

    Returns:
        ``(T,)`` float64 PSNR values.
    """
    floor = data_range**2 * 10.0 ** (-max_db / 10.0)
    err = np.maximum(mse(gen, gt), floor)
    return np.minimum(10.0 * np.log10(data_range**2 / err), max_db)
