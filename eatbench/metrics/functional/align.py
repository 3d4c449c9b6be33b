"""Frame alignment between a generated and a ground-truth video, as the EAT evaluation code does it.

``evaluation_eat/code/test_psnr_ssim.py`` and ``test_lmd.py`` pair the two frame lists by sampling both
at ``min(n_gen, n_gt)`` evenly spaced positions: ``np.linspace(0, n, min_len, endpoint=False)
.astype(np.int32)``. Equal lengths pair frame i with frame i; a longer video is subsampled, never
truncated at the end.

Example:
    >>> aligned_indices(5, 3)
    (array([0, 1, 3], dtype=int32), array([0, 1, 2], dtype=int32))
"""

from __future__ import annotations

import numpy as np


def aligned_indices(n_gen: int, n_gt: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices into the generated and the ground-truth frame lists that the metrics compare.

    Args:
        n_gen: number of generated frames (> 0).
        n_gt: number of ground-truth frames (> 0).

    Returns:
        ``(gen_idx, gt_idx)``, two int32 arrays of length ``min(n_gen, n_gt)``.
    """
    if n_gen <= 0 or n_gt <= 0:
        raise ValueError(f"both videos need frames (got {n_gen} generated and {n_gt} ground-truth)")
    n = min(n_gen, n_gt)
    gen_idx = np.linspace(0, n_gen, n, endpoint=False).astype(np.int32)
    gt_idx = np.linspace(0, n_gt, n, endpoint=False).astype(np.int32)
    return gen_idx, gt_idx
