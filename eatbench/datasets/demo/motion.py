"""The performance of a demo clip: mouth shapes from phoneme timings, blinks and head motion.

- Mouth: every espeak-ng phoneme maps to a viseme (lip opening, width, rounding) by its class
  (bilabial closure, labiodental, rounded, open/mid/close vowels...). The viseme of the phoneme
  under each frame (looked up slightly ahead of the audio, as lips lead the sound) is scaled by the
  speech energy of that frame and smoothed over time (coarticulation). So the lips close on
  /p b m/, round on /u w/, open on /a/, and rest during pauses.
- Blinks: a Poisson process (about one every 3 s), each a 5-frame close-and-open profile.
- Head motion: a sum of slow sinusoids per degree of freedom (translation, roll, yaw, scale) with
  random frequencies and phases, a few pixels and degrees in amplitude.

Every random choice comes from the ``numpy.random.Generator`` passed in, so a clip's seed fixes it.
"""

from __future__ import annotations

import numpy as np

from eatbench.datasets.demo.people import Mouth, Pose
from eatbench.datasets.demo.speech import Phoneme
from eatbench.io import FPS, Audio

# Visemes by phoneme class: (open, width, round). Names are espeak-ng's ASCII mnemonics without
# stress marks; e.g. "aI" (price), "@" (schwa), "3:" (nurse), "tS" (church).
_PAUSE = (0.0, 1.0, 0.0)
_VISEMES: dict[str, tuple[float, float, float]] = {}
for _names, _vis in (
    (("p", "b", "m"), (0.0, 0.95, 0.0)),  # bilabial: lips closed
    (("f", "v"), (0.08, 1.0, 0.0)),  # labiodental
    (("w",), (0.15, 0.8, 1.0)),
    (("r", "r-", "3", "3:"), (0.3, 0.9, 0.5)),
    (("S", "Z", "tS", "dZ"), (0.2, 0.85, 0.6)),
    (("T", "D"), (0.22, 1.0, 0.0)),
    (("s", "z"), (0.12, 1.1, 0.0)),
    (("t", "d", "n", "l", "k", "g", "N", "h", "j", "?", "t#", "d#", "n-", "l-", "L"), (0.25, 1.0, 0.0)),
    (("a", "A:", "A", "aI", "aU", "a#", "V", "A@", "a:"), (0.95, 1.0, 0.0)),
    (("0", "O:", "O", "O@", "OI"), (0.75, 0.85, 0.6)),
    (("E", "e", "eI", "e@", "@", "@L", "@5", "3", "a2", "@2", "I2", "I#"), (0.55, 1.0, 0.0)),
    (("i", "i:", "I", "i@", "i@3", "IR"), (0.3, 1.15, 0.0)),
    (("u:", "U", "u", "U@", "oU", "o@", "o"), (0.45, 0.75, 0.9)),
):
    for _n in _names:
        _VISEMES[_n] = _vis


def viseme(phoneme: str) -> tuple[float, float, float]:
    """(open, width, round) for an espeak ASCII phoneme; pauses close the mouth."""
    name = phoneme.lstrip("',%=")
    if not name or name.startswith("_"):
        return _PAUSE
    if name in _VISEMES:
        return _VISEMES[name]
    # Unlisted: a vowel-like symbol opens the mouth half way, anything else is a consonant.
    return (0.5, 1.0, 0.0) if name[0] in "aeiouAEIOUV03@" else (0.25, 1.0, 0.0)


def frame_energy(audio: Audio, n_frames: int, fps: float = FPS) -> np.ndarray:
    """RMS of the audio under each video frame (a 40 ms window), normalised to its 95th percentile."""
    x = audio.samples.astype(np.float64)
    hop = audio.sample_rate / fps
    rms = np.zeros(n_frames)
    for i in range(n_frames):
        seg = x[int(i * hop) : int((i + 1) * hop)]
        rms[i] = np.sqrt(np.mean(seg**2)) if len(seg) else 0.0
    ref = np.percentile(rms, 95)
    return np.clip(rms / ref, 0, 1) if ref > 0 else rms


def mouth_track(
    phonemes: tuple[Phoneme, ...], audio: Audio, n_frames: int, fps: float = FPS, lead: float = 0.03
) -> list[Mouth]:
    """One :class:`Mouth` per frame from phoneme timings and speech energy.

    1. Viseme of the phoneme active at each frame's centre plus ``lead`` seconds.
    2. Opening scaled by the frame's speech energy (loud vowels open wider; silence closes).
    3. Temporal smoothing: a [1, 2, 1]/4 kernel (about 80 ms of coarticulation).
    """
    # 1. Visemes from phoneme timing.
    targets = np.zeros((n_frames, 3))
    starts = np.array([p.start for p in phonemes])
    for i in range(n_frames):
        t = (i + 0.5) / fps + lead
        k = int(np.searchsorted(starts, t, side="right")) - 1
        targets[i] = viseme(phonemes[k].name) if 0 <= k and t < phonemes[k].end else _PAUSE
    # 2. Energy gates the opening.
    energy = frame_energy(audio, n_frames, fps)
    targets[:, 0] *= 0.3 + 0.9 * np.sqrt(energy)
    # 3. Smoothing (edges padded by repetition).
    padded = np.concatenate([targets[:1], targets, targets[-1:]])
    smooth = 0.25 * padded[:-2] + 0.5 * padded[1:-1] + 0.25 * padded[2:]
    return [Mouth(open=float(min(o, 1.0)), width=float(w), round=float(r)) for o, w, r in smooth]


def blink_track(n_frames: int, rng: np.random.Generator, fps: float = FPS, rate: float = 1 / 3.0) -> np.ndarray:
    """Eyelid closure per frame (0 open, 1 closed): blinks at Poisson times, 5-frame profile."""
    profile = np.array([0.45, 1.0, 0.85, 0.45, 0.15])
    out = np.zeros(n_frames)
    t = rng.exponential(1 / rate) * 0.6  # the first blink comes a little sooner
    while (i := int(t * fps)) < n_frames:
        seg = out[i : i + len(profile)]
        out[i : i + len(profile)] = np.maximum(seg, profile[: len(seg)])
        t += 0.3 + rng.exponential(1 / rate)
    return out


def pose_track(n_frames: int, rng: np.random.Generator, fps: float = FPS, energy: float = 1.0) -> list[Pose]:
    """Small smooth head motion: each degree of freedom a sum of two random slow sinusoids."""
    t = np.arange(n_frames) / fps
    amplitude = {"dx": 3.0, "dy": 2.0, "roll": 2.5, "yaw": 0.35, "scale": 0.015}
    tracks = {}
    for name, amp in amplitude.items():
        value = np.zeros(n_frames)
        for _ in range(2):
            f, phase, a = rng.uniform(0.15, 0.7), rng.uniform(0, 2 * np.pi), rng.uniform(0.4, 0.7)
            value += a * np.sin(2 * np.pi * f * t + phase)
        tracks[name] = amp * energy * value
    return [
        Pose(
            dx=float(tracks["dx"][i]),
            dy=float(tracks["dy"][i]),
            roll=float(tracks["roll"][i]),
            yaw=float(tracks["yaw"][i]),
            scale=float(1 + tracks["scale"][i]),
        )
        for i in range(n_frames)
    ]
