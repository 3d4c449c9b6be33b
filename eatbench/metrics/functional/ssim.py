"""Structural similarity per frame, computed exactly as ``skimage.metrics.structural_similarity`` does.

Two settings, both with ``K1 = 0.01``, ``K2 = 0.03`` and ``data_range = 255`` (reference §6):

- ``"uniform7"`` (the MEAD/EVP/EAMM/EAT protocol, skimage's default): a 7×7 uniform window and the
  *sample* covariance (``N/(N-1)``, N = 49).
- ``"gaussian11"`` (Wang et al. 2004; skimage ``gaussian_weights=True, sigma=1.5,
  use_sample_covariance=False``): an 11×11 Gaussian window, σ = 1.5 (radius ``int(3.5σ + 0.5) = 5``),
  population covariance.

Colour frames are scored per channel and the channel SSIMs averaged (skimage ``channel_axis=-1``); the
mean over the SSIM map skips a border of ``(win - 1) // 2`` pixels, which is the only region where
skimage's ``reflect`` filtering and ours agree, so we only compute it. The window sums are separable
filters run by OpenCV in float64 on all five moment maps at once, which is what makes this several
times faster than calling skimage per frame (benchmarks/bench_metrics.py).

Example:
    >>> import numpy as np
    >>> f = np.random.default_rng(0).integers(0, 256, (1, 16, 16, 3), dtype=np.uint8)
    >>> float(ssim(f, f)[0])
    1.0
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Window = Literal["uniform7", "gaussian11"]
K1, K2 = 0.01, 0.03


def window_1d(window: Window) -> tuple[np.ndarray, bool]:
    """The 1-D separable kernel of a window setting and whether it uses the sample covariance."""
    if window == "uniform7":
        return np.full(7, 1.0 / 7.0), True
    if window == "gaussian11":
        sigma, truncate = 1.5, 3.5
        radius = int(truncate * sigma + 0.5)  # as scipy.ndimage.gaussian_filter
        x = np.arange(-radius, radius + 1, dtype=np.float64)
        k = np.exp(-0.5 * x**2 / sigma**2)
        return k / k.sum(), False
    raise ValueError(f"window must be 'uniform7' or 'gaussian11', got {window!r}")


def ssim(gen: np.ndarray, gt: np.ndarray, window: Window = "uniform7", data_range: float = 255.0) -> np.ndarray:
    """Mean SSIM of every frame pair.

    Args:
        gen: generated frames ``(T, H, W, C)`` or one frame ``(H, W, C)``; uint8 0..255.
        gt: ground-truth frames, same shape.
        window: ``"uniform7"`` (skimage default, MEAD protocol) or ``"gaussian11"`` (Wang et al.).
        data_range: the dynamic range R (255 for uint8).

    Returns:
        ``(T,)`` float64 SSIM values (channel mean).
    """
    if gen.shape != gt.shape:
        raise ValueError(f"frame shapes differ: {gen.shape} vs {gt.shape}")
    if gen.ndim == 3:
        gen, gt = gen[None], gt[None]
    k, sample_cov = window_1d(window)
    h, w = gen.shape[1:3]
    if h < len(k) or w < len(k):
        raise ValueError(f"frames of {h}x{w} are smaller than the {len(k)}x{len(k)} SSIM window")
    if window == "uniform7" and gen.dtype == np.uint8 and gt.dtype == np.uint8:
        return np.array([_ssim_uniform_uint8(x, y, data_range) for x, y in zip(gen, gt, strict=True)])
    return np.array([_ssim_separable(x, y, k, sample_cov, data_range) for x, y in zip(gen, gt, strict=True)])


def _ssim_uniform_uint8(x8: np.ndarray, y8: np.ndarray, data_range: float) -> float:
    """The 7×7 uniform window on uint8 frames, from exact integer window sums.

    With window sums ``Sx, Sy, Sxy`` and ``S(x²+y²)`` over N = 49 pixels, Eq. 13 with the sample
    covariance becomes ``(2SxSy + C1N²)(2(N·Sxy − SxSy) + C2N(N−1)) /
    ((Sx² + Sy² + C1N²)(N·S(x²+y²) − Sx² − Sy² + C2N(N−1)))``. Every window sum of uint8 data is an
    integer below 2²⁴, so OpenCV's float32 box filter computes it exactly; the rest is float64.
    """
    import cv2

    n = 49.0
    c1n = (K1 * data_range) ** 2 * n * n
    c2n = (K2 * data_range) ** 2 * n * (n - 1)
    h, w, c = x8.shape
    x = x8.astype(np.float32)
    y = y8.astype(np.float32)

    def box(m: np.ndarray) -> np.ndarray:  # valid 7×7 window sums, (H-6, W-6, C) float64
        s = cv2.boxFilter(m, cv2.CV_32F, (7, 7), normalize=False, borderType=cv2.BORDER_REFLECT)
        return s[3 : h - 3, 3 : w - 3].reshape(h - 6, w - 6, c).astype(np.float64)

    sx, sy, sq, sxy = box(x), box(y), box(x * x + y * y), box(x * y)
    p = sx * sy
    q = sx * sx + sy * sy
    s_map = ((2 * p + c1n) * (2 * (n * sxy - p) + c2n)) / ((q + c1n) * (n * sq - q + c2n))
    return float(s_map.reshape(-1, c).mean(axis=0).mean())


def _ssim_separable(x8: np.ndarray, y8: np.ndarray, k: np.ndarray, sample_cov: bool, data_range: float) -> float:
    """Any separable window (the Gaussian one, or float frames), in float64 as skimage computes it."""
    import cv2

    win = len(k)
    pad = (win - 1) // 2
    h, w, c = x8.shape
    cov_norm = win * win / (win * win - 1) if sample_cov else 1.0
    c1, c2 = (K1 * data_range) ** 2, (K2 * data_range) ** 2
    x = x8.astype(np.float64)
    y = y8.astype(np.float64)
    # 1. Window means of x, y, x², y², xy in one filter call over 5C channels.  (H, W, 5C)
    stack = np.concatenate([x, y, x * x, y * y, x * y], axis=-1)
    m = cv2.sepFilter2D(stack, cv2.CV_64F, k, k, borderType=cv2.BORDER_REFLECT)
    m = m[pad : h - pad, pad : w - pad].reshape(h - 2 * pad, w - 2 * pad, 5, c)
    ux, uy, uxx, uyy, uxy = (m[:, :, i] for i in range(5))
    # 2. (Co)variances and the SSIM map, Wang et al. 2004 Eq. 13.
    vx = cov_norm * (uxx - ux * ux)
    vy = cov_norm * (uyy - uy * uy)
    vxy = cov_norm * (uxy - ux * uy)
    s_map = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux**2 + uy**2 + c1) * (vx + vy + c2))
    # 3. Mean over the interior, per channel, then over channels (skimage channel_axis=-1).
    return float(s_map.reshape(-1, c).mean(axis=0).mean())
