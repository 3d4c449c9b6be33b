"""The benchmark face crop: one square, face-centred box per clip, resized to 256×256 at 25 fps.

The paper (Sec. IV-A-2) says only "cropped into square size with the character's face centered,
… extracted at 25fps and saved at 256×256". Our rules, chosen so a crop is stable and holds the
whole head:

1. Frame rate: the clip is first brought to 25 fps by :func:`eatbench.io.resample_fps` (frames
   dropped or repeated, no blending, as ``ffmpeg -vf fps=25``: the frame nearest in time).
2. Detection: MediaPipe face detection on every frame (:func:`detect_faces`). A clip with no face
   in more than half of its frames is refused (``InputError``).
3. Smoothing over time: **one fixed box per clip**. Its size is the median detected face size and
   its centre the median detected centre, over the frames with a face. A fixed box is the
   strongest smoothing there is: the background does not move, there is no crop jitter for the
   model to learn or the metrics to punish, and the head's own motion stays in the video. To keep
   the moving head inside, the box grows by the spread (5th-95th percentile) of the face centres.
4. Margin: BlazeFace's box spans roughly mid-forehead to chin. The crop side is
   :data:`HEAD_SCALE` = 1.8 face boxes, and its centre sits :data:`HEAD_RISE` = 0.15 box heights
   above the face box centre: the crop then reaches ~0.55 box heights above the box top (the hair
   line and crown) and ~0.25 below the chin (the neck), so the whole head fits.
5. Borders: pixels are never invented. If the box would leave the frame it is moved back inside
   (the face is then slightly off-centre); if it is larger than the frame it shrinks to the largest
   square that fits.
6. Resize to 256×256 with ``cv2.INTER_AREA`` when shrinking (no aliasing) and ``cv2.INTER_CUBIC``
   when enlarging.

:func:`crop_face` works on frames in memory; :func:`crop_video` does the same from a file in two
streaming passes (detect on frames shrunk to 640 px, then cut the box out of each decoded frame), so
a 1920×1080 MEAD clip never holds its ~1 GB of decoded frames at once. Both give the same result.

Example:
    >>> import numpy as np
    >>> square_box(np.array([[100.0, 100.0, 200.0, 200.0]]), 480, 640)
    array([ 60.,  45., 240., 225.], dtype=float32)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from eatbench.errors import InputError
from eatbench.io import FPS, resample_fps
from eatbench.preprocess.mediapipe_face import detect_faces, shrink_for_detection

CROP_SIZE = 256
HEAD_SCALE = 1.8
HEAD_RISE = 0.15
# A clip whose share of frames with a detected face is at most this is refused.
MAX_MISSING_SHARE = 0.5


@dataclass(frozen=True)
class FaceCrop:
    """A cropped clip and how it was cut."""

    frames: np.ndarray  # (T, 256, 256, 3) uint8 RGB at 25 fps
    box: np.ndarray  # (4,) float32 (x0, y0, x1, y1) in source pixels, square, integer-valued
    detections: np.ndarray  # (T, 4) float32 face boxes in source pixels (NaN: none)
    source_fps: float = FPS
    source_frames: int = 0  # frames before resampling to 25 fps
    source_size: tuple[int, int] = (0, 0)  # (height, width)


def check_face_found(found: np.ndarray, source: str | os.PathLike) -> None:
    """Refuse a clip where the face is missing in most frames.

    Args:
        found: ``(T,)`` bool, True where a face was found.
        source: the clip's name or path, for the message.

    Raises:
        InputError: ``"<source>: no face found in N of M frames"`` when more than half are missing.
    """
    missing, total = int((~found).sum()), int(found.size)
    if total == 0 or missing > MAX_MISSING_SHARE * total:
        raise InputError(f"{source}: no face found in {missing} of {total} frames")


def square_box(detections: np.ndarray, height: int, width: int) -> np.ndarray:
    """The fixed square crop box of a clip from its per-frame face boxes (rules 3-5 above).

    Args:
        detections: ``(T, 4)`` face boxes ``(x0, y0, x1, y1)``; NaN rows are ignored.
        height: source frame height.
        width: source frame width.

    Returns:
        ``(4,)`` float32 ``(x0, y0, x1, y1)``, integer-valued, ``x1 - x0 == y1 - y0``, inside the frame.
    """
    boxes = np.asarray(detections, np.float64).reshape(-1, 4)
    boxes = boxes[np.isfinite(boxes).all(axis=1)]
    if len(boxes) == 0:
        raise ValueError("square_box needs at least one detected face")
    cx = (boxes[:, 0] + boxes[:, 2]) / 2
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    face = np.median(np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]))
    spread = max(np.ptp(np.percentile(cx, [5, 95])), np.ptp(np.percentile(cy, [5, 95])))
    side = min(round(HEAD_SCALE * face + spread), height, width)
    x0 = round(np.median(cx) - side / 2)
    y0 = round(np.median(cy) - HEAD_RISE * face - side / 2)
    x0 = min(max(x0, 0), width - side)
    y0 = min(max(y0, 0), height - side)
    return np.array([x0, y0, x0 + side, y0 + side], np.float32)


def apply_crop(frames: np.ndarray, box: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Cut ``box`` out of every frame and resize it to ``size × size`` (rule 6).

    Args:
        frames: ``(T, H, W, 3)`` uint8.
        box: ``(4,)`` integer-valued square box inside the frame (from :func:`square_box`).
        size: output side in pixels.

    Returns:
        ``(T, size, size, 3)`` uint8.
    """
    import cv2

    x0, y0, x1, y1 = (int(v) for v in np.asarray(box))
    side = x1 - x0
    interp = cv2.INTER_AREA if side > size else cv2.INTER_CUBIC
    out = np.empty((len(frames), size, size, 3), np.uint8)
    for i, frame in enumerate(frames):
        patch = frame[y0:y1, x0:x1]
        out[i] = patch if side == size else cv2.resize(patch, (size, size), interpolation=interp)
    return out


def crop_face(frames: np.ndarray, fps: float, source: str | os.PathLike = "video") -> FaceCrop:
    """The benchmark crop of a clip: 25 fps, one smoothed square box, 256×256.

    Args:
        frames: ``(T, H, W, 3)`` uint8 RGB at ``fps``.
        fps: the source frame rate.
        source: the clip's name or path, for error messages.

    Returns:
        :class:`FaceCrop` with the cropped frames, the box and the per-frame detections.

    Raises:
        InputError: no face in more than half of the frames.
    """
    num_source = len(frames)
    # 1. Frame rate
    frames = resample_fps(frames, fps, FPS)
    # 2. Detection, and refusal when the face is mostly missing
    detections = detect_faces(frames)
    check_face_found(np.isfinite(detections).all(axis=1), source)
    # 3-5. One fixed square box with a margin that holds the whole head
    box = square_box(detections, frames.shape[1], frames.shape[2])
    # 6. Cut and resize
    size = (int(frames.shape[1]), int(frames.shape[2]))
    return FaceCrop(apply_crop(frames, box), box, detections, float(fps), num_source, size)


def _decode(path: str | os.PathLike) -> tuple[Iterator[np.ndarray], float]:
    """Iterate over a video file's frames (uint8 RGB) without holding them; also return its frame rate.

    Errors are those of :func:`eatbench.io.read_video` (missing, empty, corrupt file, no video stream).
    """
    import av

    from eatbench.io import _open

    container = _open(path)
    if not container.streams.video:
        container.close()
        raise InputError(f"{path}: no video stream")
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else FPS

    def frames() -> Iterator[np.ndarray]:
        try:
            for frame in container.decode(stream):
                yield frame.to_ndarray(format="rgb24")
        except av.error.FFmpegError as err:
            raise InputError(f"{path}: the video stream cannot be decoded ({err})") from None
        finally:
            container.close()

    return frames(), fps


def crop_video(path: str | os.PathLike, source: str | os.PathLike | None = None) -> FaceCrop:
    """:func:`crop_face` on a video file, streaming: decoded frames are never all held in memory.

    Args:
        path: the video file.
        source: the name used in error messages (default: the path).

    Returns:
        The same :class:`FaceCrop` :func:`crop_face` gives for the decoded frames.

    Raises:
        InputError: an unreadable video, or no face in more than half of the frames.
    """
    source = path if source is None else source
    # Pass 1: shrink every frame as detect_faces would; remember the frame size.
    frames, fps = _decode(path)
    small, height, width = [], 0, 0
    for frame in frames:
        height, width = frame.shape[:2]
        small.append(shrink_for_detection(frame))
    if not small:
        raise InputError(f"{path}: the video has no frames")
    num_source = len(small)

    # 1. Frame rate: the source frame nearest each 25 fps output time (libavfilter's fps filter).
    index = resample_fps(np.arange(num_source), fps, FPS)  # (T,)
    # 2. Detection (boxes in source pixels), and refusal when the face is mostly missing.
    detections = detect_faces(np.stack([small[i] for i in index]), source_size=(height, width))
    del small
    check_face_found(np.isfinite(detections).all(axis=1), source)
    # 3-5. One fixed square box with a margin that holds the whole head.
    box = square_box(detections, height, width)
    # Pass 2 / 6. Cut each source frame once and place it at every output time that shows it.
    out = np.empty((len(index), CROP_SIZE, CROP_SIZE, 3), np.uint8)
    frames, _ = _decode(path)
    seen = 0
    for j, frame in enumerate(frames):
        seen = j + 1
        where = np.flatnonzero(index == j)
        if len(where):
            out[where] = apply_crop(frame[None], box)[0]
    if seen != num_source:
        raise InputError(f"{path}: decoded {seen} frames on the second pass, {num_source} on the first")
    return FaceCrop(out, box, detections, fps, num_source, (height, width))
