"""Per-frame face dynamics from MediaPipe Face Mesh, and the loudness envelope they are compared with.

The math of the portable profile's lip and motion metrics (docs/portable-metrics.md), as pure functions
of Face Mesh landmarks ``(T, 478, 2)`` in pixels (NaN rows where no face was found) and int16 16 kHz
audio. Every length is divided by the inter-ocular distance, so a number does not depend on the frame
size or how close the face is.

- :func:`inter_ocular`: distance between the outer eye corners (points 33 and 263).
- :func:`mouth_opening`: the mean of three vertical inner-lip gaps — (82, 87), (13, 14) on the midline,
  (312, 317) — over the inter-ocular distance.
- :func:`eye_aspect_ratio`: Soukupová & Čech's EAR, ``(|p2 − p6| + |p3 − p5|) / (2 |p1 − p4|)``, the mean
  of both eyes (right eye 33, 160, 158, 133, 153, 144; left eye 362, 385, 387, 263, 373, 380).
- :func:`count_blinks`: runs of 1 to :data:`MAX_BLINK_FRAMES` frames whose EAR is below
  :data:`BLINK_FRACTION` × the clip's median EAR.
- :func:`rigid_speed_sum`: the RMS frame-to-frame displacement of :data:`RIGID_POINTS` (forehead, nose
  bridge and tip, eye corners, face contour at eye level: points expressions barely move), per second.
- :func:`loudness_db`: per video frame, the RMS level (dBFS) of the audio the frame spans.
- :func:`lagged_correlations`: Pearson's r of the mouth opening and the loudness over speech frames,
  with the mouth series shifted by each lag.

Example:
    >>> import numpy as np
    >>> lm = np.zeros((1, 478, 2)); lm[0, 263, 0] = 10.0  # eyes 10 px apart
    >>> lm[0, [87, 14, 317], 1] = 2.0  # lower inner lip 2 px below the upper
    >>> mouth_opening(lm).round(3).tolist()
    [0.2]
"""

from __future__ import annotations

import numpy as np

EYE_CORNERS = (33, 263)
INNER_LIP_PAIRS = ((82, 87), (13, 14), (312, 317))
RIGHT_EYE = (33, 160, 158, 133, 153, 144)  # p1 (outer corner), p2, p3 (upper lid), p4 (inner corner), p5, p6
LEFT_EYE = (362, 385, 387, 263, 373, 380)
RIGID_POINTS = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 33, 133, 362, 263, 127, 356, 234, 454)
BLINK_FRACTION = 0.75
MAX_BLINK_FRAMES = 12  # 480 ms at 25 fps: longer closures are not blinks
MIN_PAIRS = 10  # fewest frame pairs a correlation is computed from
DB_FLOOR = -100.0


def _dist(lm: np.ndarray, a: int, b: int) -> np.ndarray:
    return np.linalg.norm(lm[:, a] - lm[:, b], axis=-1)


def inter_ocular(landmarks: np.ndarray) -> np.ndarray:
    """``(T,)`` distance between the outer eye corners in pixels (NaN where no face)."""
    return _dist(np.asarray(landmarks, np.float64), *EYE_CORNERS)


def mouth_opening(landmarks: np.ndarray) -> np.ndarray:
    """``(T,)`` inner-lip opening over the inter-ocular distance (0 when the lips touch; NaN where no face)."""
    lm = np.asarray(landmarks, np.float64)
    gap = np.mean([_dist(lm, a, b) for a, b in INNER_LIP_PAIRS], axis=0)
    return gap / inter_ocular(lm)


def eye_aspect_ratio(landmarks: np.ndarray) -> np.ndarray:
    """``(T,)`` eye aspect ratio, the mean of both eyes (about 0.3 open, near 0 closed; NaN where no face)."""
    lm = np.asarray(landmarks, np.float64)

    def ear(p: tuple[int, ...]) -> np.ndarray:
        return (_dist(lm, p[1], p[5]) + _dist(lm, p[2], p[4])) / (2.0 * _dist(lm, p[0], p[3]))

    return (ear(RIGHT_EYE) + ear(LEFT_EYE)) / 2.0


def count_blinks(ear: np.ndarray) -> int:
    """Blinks in one clip: maximal runs of 1..MAX_BLINK_FRAMES frames with EAR below
    ``BLINK_FRACTION × median(EAR)`` (frames without a face end a run and are never closed)."""
    ear = np.asarray(ear, np.float64)
    valid = np.isfinite(ear)
    if not valid.any():
        return 0
    closed = valid & (ear < BLINK_FRACTION * np.median(ear[valid]))
    # Run lengths of the closed stretches: +1 where a run starts, -1 one past where it ends.
    edges = np.diff(np.concatenate([[0], closed.astype(np.int8), [0]]))
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    return int(((lengths >= 1) & (lengths <= MAX_BLINK_FRAMES)).sum())


def rigid_speed_sum(landmarks: np.ndarray, fps: float) -> tuple[float, int]:
    """Head motion of one clip: ``(Σ speed, n)`` over consecutive frame pairs that both have a face, where
    speed = RMS displacement of the rigid points / mean inter-ocular distance of the pair × fps
    (inter-ocular distances per second)."""
    lm = np.asarray(landmarks, np.float64)
    if len(lm) < 2:
        return 0.0, 0
    pts = lm[:, RIGID_POINTS]  # (T, P, 2)
    disp = np.sqrt((np.linalg.norm(pts[1:] - pts[:-1], axis=-1) ** 2).mean(axis=-1))  # (T-1,)
    iod = inter_ocular(lm)
    speed = disp / ((iod[1:] + iod[:-1]) / 2.0) * fps
    ok = np.isfinite(speed)
    return float(speed[ok].sum()), int(ok.sum())


def loudness_db(audio: np.ndarray, n_frames: int, fps: float, sample_rate: int) -> np.ndarray:
    """``(n_frames,)`` RMS level in dBFS of the samples each frame spans, ``[t, t + 1) / fps`` (int16 full
    scale = 0 dB, floored at -100 dB); NaN for frames past the end of the audio."""
    x = np.asarray(audio, np.float64)
    if np.asarray(audio).dtype == np.int16:
        x = x / 32768.0
    out = np.full(n_frames, np.nan)
    for t in range(n_frames):
        a, b = round(t * sample_rate / fps), round((t + 1) * sample_rate / fps)
        if b > len(x):
            break
        rms = np.sqrt(np.mean(x[a:b] ** 2))
        out[t] = max(20.0 * np.log10(rms) if rms > 0 else DB_FLOOR, DB_FLOOR)
    return out


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r of two equal-length series; 0.0 when either is constant (no co-variation to measure)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    dx, dy = x - x.mean(), y - y.mean()
    den = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    return float((dx * dy).sum() / den) if den > 1e-12 else 0.0


def lagged_correlations(mouth: np.ndarray, loudness: np.ndarray, speech: np.ndarray, max_lag: int) -> dict[int, float]:
    """Pearson's r of ``mouth[t + k]`` and ``loudness[t]`` over speech frames ``t``, for k in ±max_lag.

    A positive ``k`` pairs the sound with the mouth ``k`` frames later (the mouth lags the audio). Only pairs
    with both values finite count; a lag with fewer than :data:`MIN_PAIRS` pairs gives NaN.
    """
    mouth, loudness = np.asarray(mouth, np.float64), np.asarray(loudness, np.float64)
    n = len(mouth)
    out: dict[int, float] = {}
    for k in range(-max_lag, max_lag + 1):
        t = np.flatnonzero(np.asarray(speech, bool))
        t = t[(t + k >= 0) & (t + k < n)]
        m, e = mouth[t + k], loudness[t]
        ok = np.isfinite(m) & np.isfinite(e)
        out[k] = pearson(m[ok], e[ok]) if ok.sum() >= MIN_PAIRS else float("nan")
    return out


def silent_motion_sum(mouth: np.ndarray, speech: np.ndarray, fps: float) -> tuple[float, int]:
    """``(Σ |Δ mouth opening| × fps, n)`` over consecutive frame pairs that are both non-speech and both have
    a face: mouth motion in inter-ocular distances per second while nobody speaks."""
    mouth = np.asarray(mouth, np.float64)
    silent = ~np.asarray(speech, bool)
    if len(mouth) < 2:
        return 0.0, 0
    vel = np.abs(np.diff(mouth)) * fps
    ok = silent[1:] & silent[:-1] & np.isfinite(vel)
    return float(vel[ok].sum()), int(ok.sum())
