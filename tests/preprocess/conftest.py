"""Fixtures for the preprocessing tests: a real face photo moved about as a video, and speech-like audio.

There are no face videos offline; ``skimage.data.astronaut()`` (a portrait photo shipped in the
scikit-image wheel) is a real face MediaPipe finds. It is shrunk to 320×320 and shifted by a few
pixels per frame to stand for head motion.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from eatbench.clip import Clip
from eatbench.io import Audio, write_audio, write_video

FACE_SIZE = 320


@pytest.fixture(scope="session")
def face_image() -> np.ndarray:
    """(320, 320, 3) uint8 RGB portrait."""
    import cv2
    import skimage.data

    return cv2.resize(skimage.data.astronaut(), (FACE_SIZE, FACE_SIZE), interpolation=cv2.INTER_AREA)


def moving_face(face_image: np.ndarray, num_frames: int) -> np.ndarray:
    """(T, 320, 320, 3) frames of the portrait translated by up to ±6 px horizontally, ±3 px vertically."""
    import cv2

    out = []
    for t in range(num_frames):
        dx, dy = 6 * np.sin(t / 5), 3 * np.cos(t / 7)
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        out.append(cv2.warpAffine(face_image, m, (FACE_SIZE, FACE_SIZE), borderMode=cv2.BORDER_REFLECT))
    return np.stack(out)


def speech_like(seconds: float, seed: int = 0, peak: float = 0.3) -> Audio:
    """A 220 Hz tone with a 3 Hz syllable envelope plus a little noise (not silent)."""
    n = round(seconds * 16000)
    t = np.arange(n) / 16000
    rng = np.random.default_rng(seed)
    x = np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) + 0.05 * rng.standard_normal(n)
    return Audio((peak * x / np.max(np.abs(x))).astype(np.float32))


@pytest.fixture
def make_frames(face_image: np.ndarray) -> Callable[[int], np.ndarray]:
    """``make_frames(T)``: the moving portrait as (T, 320, 320, 3) frames."""
    return lambda num_frames: moving_face(face_image, num_frames)


@pytest.fixture
def make_clip(tmp_path: Path, face_image: np.ndarray) -> Callable[..., Clip]:
    """Write a clip and return its Clip record.

    Args (of the returned function):
        num_frames: video frames; fps: video frame rate; audio_seconds: audio length (default: the
        video's); audio: an explicit Audio; separate_audio: write the audio to a WAV file (else it is
        muxed into the video); frames: explicit frames instead of the moving portrait; name: file stem.
    """

    def make(
        num_frames: int = 30,
        fps: float = 30.0,
        audio_seconds: float | None = None,
        audio: Audio | None = None,
        separate_audio: bool = False,
        frames: np.ndarray | None = None,
        name: str = "clip",
    ) -> Clip:
        frames = moving_face(face_image, num_frames) if frames is None else frames
        if audio is None:
            audio = speech_like(len(frames) / fps if audio_seconds is None else audio_seconds)
        video_path = tmp_path / f"{name}.mkv"
        audio_path = None
        if separate_audio:
            audio_path = tmp_path / f"{name}.wav"
            write_audio(audio_path, audio)
            write_video(video_path, frames, fps=fps)
        else:
            write_video(video_path, frames, fps=fps, audio=audio)
        return Clip("A01", "happy", 1, name, "front", "test", video_path, audio_path)

    return make


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private EATBENCH_HOME."""
    path = tmp_path / "home"
    monkeypatch.setenv("EATBENCH_HOME", os.fspath(path))
    return path
