"""Shared fixtures of the metric tests: small deterministic frame batches with real structure."""

from __future__ import annotations

import numpy as np
import pytest


def textured_frames(seed: int, t: int = 4, h: int = 64, w: int = 64) -> np.ndarray:
    """uint8 RGB frames ``(t, h, w, 3)`` with smooth regions, hard edges and noise (not just noise)."""
    import cv2

    rng = np.random.default_rng(seed)
    frames = []
    for i in range(t):
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img = cv2.GaussianBlur(img, (0, 0), 1.0 + 0.5 * (i % 3))
        cv2.circle(img, (w // 2 + i, h // 2), h // 4, (int(rng.integers(256)), 180, 40), -1)
        cv2.rectangle(img, (2, 3), (w // 4, h - 5), (10, 10, 10), -1)
        frames.append(img)
    return np.stack(frames)


def degrade(frames: np.ndarray, seed: int, amount: int = 20) -> np.ndarray:
    """A noisy, slightly shifted copy of ``frames`` (what a generator might return)."""
    rng = np.random.default_rng(seed)
    noisy = frames.astype(np.int32) + rng.integers(-amount, amount + 1, frames.shape)
    return np.clip(np.roll(noisy, 1, axis=2), 0, 255).astype(np.uint8)


@pytest.fixture
def frame_pair() -> tuple[np.ndarray, np.ndarray]:
    gt = textured_frames(0, t=5)
    return degrade(gt, 1), gt


@pytest.fixture
def make_frames():
    """The :func:`textured_frames` factory."""
    return textured_frames


@pytest.fixture
def make_degraded():
    """The :func:`degrade` factory."""
    return degrade
