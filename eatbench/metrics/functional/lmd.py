"""Landmark distance (M-LMD, F-LMD), the EAMM/EAT definition (``evaluation_eat/code/test_lmd.py``).

For every aligned frame pair where both landmark sets exist (reference §7):

1. take the point set — mouth = iBUG-68 indices 48..67 (20 points), face = all 68;
2. centre each set on its own centroid, per frame, x and y separately (no scale or rotation change);
3. sum the Euclidean distances between corresponding points (pixels).

Video score = Σ_frames dist / (valid_frames · n_points). The per-clip state keeps the numerator and
the denominator's two factors so that shards merge exactly; across videos the EAT script averages the
video scores (videos with no valid frame are left out).

Example:
    >>> import numpy as np
    >>> gen = np.zeros((1, 68, 2)); gt = np.zeros((1, 68, 2)); gen[0, 48, 0] = 20.0
    >>> s, n = lmd_sums(gen, gt, MOUTH)  # centring spreads the 20-px offset: 19 + 19·1 = 38
    >>> round(s / (n * 20), 4)
    1.9
"""

from __future__ import annotations

import numpy as np

MOUTH = np.arange(48, 68)  # imutils FACIAL_LANDMARKS_IDXS["mouth"] = (48, 68)
FACE = np.arange(68)


def frame_distances(gen: np.ndarray, gt: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Per-frame sum of centred point distances; NaN where either frame has no landmarks.

    Args:
        gen: generated landmarks ``(T, 68, 2)`` in pixels (NaN rows where no face was found).
        gt: ground-truth landmarks ``(T, 68, 2)``, already frame-aligned with ``gen``.
        points: the point indices (:data:`MOUTH` or :data:`FACE`).

    Returns:
        ``(T,)`` float64.
    """
    if gen.shape != gt.shape or gen.ndim != 3 or gen.shape[2] != 2:
        raise ValueError(f"landmarks must both be (T, 68, 2), got {gen.shape} and {gt.shape}")
    a = gen[:, points].astype(np.float64)
    b = gt[:, points].astype(np.float64)
    a = a - a.mean(axis=1, keepdims=True)  # (T, P, 2), centred on the set's own mean
    b = b - b.mean(axis=1, keepdims=True)
    d = np.sqrt(((a - b) ** 2).sum(axis=2)).sum(axis=1)  # (T,)
    return d


def lmd_sums(gen: np.ndarray, gt: np.ndarray, points: np.ndarray) -> tuple[float, int]:
    """``(Σ distances over valid frames, number of valid frames)`` for one video."""
    d = frame_distances(gen, gt, points)
    valid = np.isfinite(d)
    return float(d[valid].sum()), int(valid.sum())


def lmd(gen: np.ndarray, gt: np.ndarray, points: np.ndarray) -> float:
    """The video's LMD: Σ distances / (valid_frames · n_points); NaN when no frame is valid."""
    s, n = lmd_sums(gen, gt, points)
    return s / (n * len(points)) if n else float("nan")
