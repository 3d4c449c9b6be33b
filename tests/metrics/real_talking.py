"""Talking-face clips made from real photographs and real recorded speech that installed packages ship.

- Faces: :func:`eatbench.judges.portable_check.real_faces` (scikit-image's astronaut, matplotlib's Grace
  Hopper, insightface's pictures), 256×256 crops.
- Speech: pyannote.audio's ``sample.wav`` (a real telephone conversation, 16 kHz);
  :data:`SPEECH_SPAN` holds 1.7 s of silence, then "Hello? Hello? Oh, hello.".
- Motion, by image warps located with Face Mesh on the still:
  :func:`open_mouth` drops the lower lip and jaw by ``d`` pixels and darkens the opened gap (Face Mesh's
  mouth opening grows monotonically with ``d`` on Grace Hopper's closed mouth: 0.002 → 0.218 for 0 → 20 px);
  :func:`close_eyes` makes rows near each eye's centre line sample the lids (the astronaut's eye aspect
  ratio falls from 0.32 to 0.12); :func:`tilt` rotates the head about the image centre.

The mouth is driven by the speech's own loudness (:func:`talking_frames`), the way a perfect lip-sync
generator would move it, so the lip metrics have a known truth to find.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

FPS = 25.0
SAMPLE_RATE = 16000
SPEECH_SPAN = (5.0, 9.0)  # seconds of sample.wav: silence until 6.7 s, then speech
MAX_OPEN_PX = 16.0


@lru_cache(maxsize=1)
def faces() -> dict[str, np.ndarray]:
    """person -> 256×256 RGB crop: Eileen Collins (astronaut), Grace Hopper and Tom Hanks."""
    from eatbench.judges.portable_check import real_faces

    return {person: crop for person, _source, crop in real_faces(("eileen-collins", "grace-hopper", "tom-hanks"))}


@lru_cache(maxsize=4)
def _mesh(person: str) -> np.ndarray:
    from eatbench.preprocess.mediapipe_face import face_mesh

    return face_mesh(faces()[person])[0]


def speech(span: tuple[float, float] = SPEECH_SPAN) -> np.ndarray:
    """int16 16 kHz samples of ``sample.wav`` between ``span`` seconds."""
    from eatbench.judges.portable_check import sample_speech

    audio, _ = sample_speech()
    return audio[int(span[0] * SAMPLE_RATE) : int(span[1] * SAMPLE_RATE)].copy()


def open_mouth(crop: np.ndarray, lm: np.ndarray, d: float) -> np.ndarray:
    """The face with its lower lip and jaw dropped by ``d`` pixels (mouth corners fixed), the gap darkened."""
    import cv2

    y_lip = (lm[13, 1] + lm[14, 1]) / 2
    x0, x1, y_chin = lm[61, 0], lm[291, 0], lm[152, 1]
    h, w = crop.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, a = (x0 + x1) / 2, (x1 - x0) / 2
    wx = np.sqrt(1 - np.clip((xx - cx) / (1.25 * a), -1, 1) ** 2)  # 1 mid-mouth, 0 past the corners
    wy = np.clip(1 - (yy - y_lip) / (1.5 * (y_chin - y_lip)), 0, 1) * (yy >= y_lip)
    shift = d * wx * wy
    img = cv2.remap(crop, xx, (yy - shift).astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    gap = (yy >= y_lip) & (yy < y_lip + 0.85 * d * np.sqrt(1 - np.clip((xx - cx) / (0.85 * a), -1, 1) ** 2))
    img[gap] = (img[gap] * 0.2 + np.array([60, 15, 20]) * 0.8).astype(np.uint8)
    return img


def close_eyes(crop: np.ndarray, lm: np.ndarray, amount: float) -> np.ndarray:
    """The face with both eyes closed by ``amount`` (0 open .. 1 shut): rows near each eye's centre line
    sample rows further out, where the lids are."""
    import cv2

    h, w = crop.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    mapy = yy.copy()
    for corners, lids in (((33, 133), (159, 145)), ((362, 263), (386, 374))):
        (xa, ya), (xb, yb) = lm[corners[0]], lm[corners[1]]
        cx, cy = (xa + xb) / 2, (ya + yb) / 2
        a, b = abs(xb - xa) / 2 * 1.3, abs(lm[lids[1], 1] - lm[lids[0], 1]) / 2 * 2.5 + 2
        u = np.clip(((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2, 0, 1)
        mapy = np.where(u < 1, cy + (yy - cy) * (1 + 3 * (1 - u) * amount), mapy)
    return cv2.remap(crop, xx, mapy.astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def tilt(img: np.ndarray, degrees: float) -> np.ndarray:
    """``img`` rotated by ``degrees`` about its centre (edges replicated)."""
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def mouth_drive(audio: np.ndarray, n_frames: int, gain: float = 1.0) -> np.ndarray:
    """Pixels the jaw drops per frame: 0 at -60 dBFS or below, ``gain`` × 16 px at -20 dBFS and above."""
    from eatbench.metrics.functional.face_dynamics import loudness_db

    e = np.nan_to_num(loudness_db(audio, n_frames, FPS, SAMPLE_RATE), nan=-100.0)
    return gain * MAX_OPEN_PX * np.clip((e + 60.0) / 40.0, 0.0, 1.0)


def talking_frames(person: str, audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """``(T, 256, 256, 3)`` frames of ``person`` whose mouth opens with the loudness of ``audio`` (25 fps)."""
    crop, lm = faces()[person], _mesh(person)
    n = int(len(audio) * FPS / SAMPLE_RATE)
    return np.stack([open_mouth(crop, lm, d) for d in mouth_drive(audio, n, gain)])


def blinking_frames(person: str, n: int, blink_starts: list[int], degrees: np.ndarray | None = None) -> np.ndarray:
    """``n`` frames of ``person`` with a 3-frame blink (half, shut, half) at each start, tilted per frame
    by ``degrees`` (default: still)."""
    crop, lm = faces()[person], _mesh(person)
    amount = np.zeros(n)
    for s in blink_starts:
        amount[s : s + 3] = (0.6, 1.0, 0.6)[: max(0, min(3, n - s))]
    tilts = np.zeros(n) if degrees is None else degrees
    return np.stack([tilt(close_eyes(crop, lm, a), d) if a or d else crop for a, d in zip(amount, tilts, strict=True)])


def delay(audio: np.ndarray, frames: int) -> np.ndarray:
    """``audio`` delayed by ``frames`` video frames: silence in front, the tail cut (as ``shifted-audio``)."""
    k = round(frames * SAMPLE_RATE / FPS)
    return np.concatenate([np.zeros(k, np.int16), audio[: len(audio) - k]])
