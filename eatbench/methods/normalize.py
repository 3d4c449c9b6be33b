"""Bring an upstream method's video to the benchmark's output contract.

Every baseline writes something different (shared/reference/baselines-and-datasets.md §7.2):

====================  ==========  ===================================  =========================
method                fps         frames                               step here
====================  ==========  ===================================  =========================
MakeItTalk            62.5        768×256 triptych (ref | gen | sketch) :func:`panel` 1 of 3
StyleHEAT             25          1024×1024                            :func:`resize`
IP-LAP                25          (sketch | full frame), 2W×H          :func:`panel` 1 of 2, :func:`cut_to_crop`
EmoGen                input fps   full frame, face pasted back         :func:`cut_to_crop`
EAMM                  driving     256×256                              —
====================  ==========  ===================================  =========================

then, for all: :func:`eatbench.io.resample_fps` to 25 fps (drop or repeat frames, as ``ffmpeg -vf
fps=25``), :func:`fit_length` to the number of frames the audio implies, and the clip's own audio muxed
by :func:`write_normalized` (an upstream's re-encoded or truncated audio is never scored).

Example:
    >>> import numpy as np
    >>> panel(np.zeros((2, 256, 768, 3), np.uint8), 3, 1).shape
    (2, 256, 256, 3)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eatbench.errors import EatbenchError
from eatbench.io import FPS, Audio, Video, read_video, resample_fps, write_video

CROP_SIZE = 256
# Excess frames cut without complaint (encoder padding, rounding of the audio length).
MAX_TRIM = 2


def panel(frames: np.ndarray, n: int, index: int) -> np.ndarray:
    """Panel ``index`` of ``n`` equal side-by-side panels (MakeItTalk's triptych, IP-LAP's sketch | frame).

    Raises:
        EatbenchError: the width is not a multiple of ``n``.
    """
    width = frames.shape[2]
    if width % n:
        raise EatbenchError(f"a video of {n} side-by-side panels was expected, got width {width}")
    w = width // n
    return np.ascontiguousarray(frames[:, :, index * w : (index + 1) * w])


def resize(frames: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Resize square frames to ``size`` (area averaging when shrinking, as the crop does)."""
    import cv2

    h, w = frames.shape[1:3]
    if h != w:
        raise EatbenchError(f"square frames were expected, got {w}x{h}")
    if h == size:
        return frames
    interp = cv2.INTER_AREA if h > size else cv2.INTER_CUBIC
    return np.stack([cv2.resize(f, (size, size), interpolation=interp) for f in frames])


def cut_to_crop(frames: np.ndarray, box: np.ndarray, source_shape: tuple[int, int] | None = None) -> np.ndarray:
    """Cut the benchmark crop box out of full frames into which a method pasted its face back.

    Args:
        frames: ``(T, H, W, 3)`` full frames, the resolution of the input the method was given.
        box: ``(4,)`` the clip's crop box ``(x0, y0, x1, y1)`` in source pixels.
        source_shape: ``(H, W)`` of the source frames the box belongs to, checked when given.

    Raises:
        EatbenchError: the frames are not the source's size (the method rescaled them).
    """
    from eatbench.preprocess.crop import apply_crop

    h, w = frames.shape[1:3]
    if source_shape is not None and (h, w) != tuple(source_shape):
        raise EatbenchError(
            f"full frames of {source_shape[1]}x{source_shape[0]} were expected (the input's size), got {w}x{h}"
        )
    x0, y0, x1, y1 = (int(v) for v in box)
    if x0 < 0 or y0 < 0 or x1 > w or y1 > h:
        raise EatbenchError(f"the crop box {x0, y0, x1, y1} leaves the {w}x{h} frame")
    return apply_crop(frames, box, CROP_SIZE)


def to_fps(video: Video) -> np.ndarray:
    """Frames at 25 fps."""
    return resample_fps(video.frames, video.fps, FPS)


def fit_length(frames: np.ndarray, n: int, max_pad: int = 0, max_trim: int = MAX_TRIM) -> np.ndarray:
    """Match the frame count the audio implies, within documented tolerances; otherwise leave it.

    Up to ``max_trim`` surplus frames are cut from the end, and up to ``max_pad`` missing frames are
    filled by repeating the last one (methods whose mel-window arithmetic drops the last few frames
    declare how many). A larger mismatch is left as it is, so the contract check flags it.
    """
    t = len(frames)
    if n < t <= n + max_trim:
        return frames[:n]
    if t < n <= t + max_pad:
        return np.concatenate([frames, np.repeat(frames[-1:], n - t, axis=0)])
    return frames


def write_normalized(out_path: str | Path, frames: np.ndarray, audio: Audio) -> Path:
    """Write the normalised frames with the clip's audio as the lossless benchmark video."""
    if frames.shape[1:3] != (CROP_SIZE, CROP_SIZE):
        raise EatbenchError(f"normalisation left {frames.shape[2]}x{frames.shape[1]} frames, expected 256x256")
    write_video(out_path, np.ascontiguousarray(frames), FPS, audio)
    return Path(out_path)


def read_raw(path: str | Path) -> Video:
    """Read an upstream output video (any container PyAV reads: mp4, mov, avi, mkv)."""
    return read_video(path)
