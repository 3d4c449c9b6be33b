"""Test material for the method and baseline tests: a tiny MEAD-layout tree of real-face clips.

There are no face videos offline; ``skimage.data.astronaut()`` (a portrait photo in the
scikit-image wheel) is a face MediaPipe finds. Each clip moves it by a few pixels per frame (head
motion) and darkens a mouth-sized patch with the audio envelope (a crude "talking" mouth), with a
speech-like tone muxed in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eatbench.clip import Clip
from eatbench.io import Audio, write_video

SIZE = 320
SECONDS = 1.6  # 40 frames: longer than the 20-frame delay of the beyond-the-search control


def face_image() -> np.ndarray:
    import cv2
    import skimage.data

    return cv2.resize(skimage.data.astronaut(), (SIZE, SIZE), interpolation=cv2.INTER_AREA)


def speech(seconds: float = SECONDS, seed: int = 0) -> Audio:
    n = round(seconds * 16000)
    t = np.arange(n) / 16000
    rng = np.random.default_rng(seed)
    env = 0.5 + 0.5 * np.sin(2 * np.pi * 3 * t + seed)
    x = np.sin(2 * np.pi * 220 * t) * env + 0.05 * rng.standard_normal(n)
    return Audio((0.3 * x / np.max(np.abs(x))).astype(np.float32))


def talking_frames(audio: Audio, seed: int = 0) -> np.ndarray:
    import cv2

    face = face_image()
    n = round(audio.duration * 25)
    env = np.abs(audio.samples[: n * 640]).reshape(n, 640).mean(axis=1)
    env = env / env.max()
    out = []
    for t in range(n):
        dx, dy = 4 * np.sin(t / 5 + seed), 2 * np.cos(t / 7)
        frame = cv2.warpAffine(face, np.float32([[1, 0, dx], [0, 1, dy]]), (SIZE, SIZE), borderMode=cv2.BORDER_REFLECT)
        frame[150:160, 140:180] = (frame[150:160, 140:180] * (1 - 0.6 * env[t])).astype(np.uint8)
        out.append(frame)
    return np.stack(out)


def make_mead(root: Path, actors=("M001", "W002"), emotions=("angry", "neutral")) -> list[Clip]:
    """Write ``{actor}/video/front/{emotion}/level_{n}/001.mp4`` (audio muxed) and return the clips."""
    clips = []
    for i, actor in enumerate(actors):
        for j, emotion in enumerate(emotions):
            level = 1 if emotion == "neutral" else 2
            audio = speech(seed=3 * i + j)
            video = root / actor / "video" / "front" / emotion / f"level_{level}" / "001.mp4"
            write_video(video, talking_frames(audio, seed=i), 25.0, audio, lossless=False)
            clips.append(Clip(actor, emotion, level, "001", "front", "test", video))
    return clips


def write_face_and_speech(folder: Path, seconds: float = 1.2) -> tuple[Path, Path]:
    """``face.png`` (the portrait) and ``speech.wav`` in ``folder``: the inputs of `eatbench generate`."""
    import cv2

    from eatbench.io import write_audio

    cv2.imwrite(str(folder / "face.png"), cv2.cvtColor(face_image(), cv2.COLOR_RGB2BGR))
    write_audio(folder / "speech.wav", speech(seconds))
    return folder / "face.png", folder / "speech.wav"
