"""The portable identity judge: dlib's face detector, 5-point alignment and 128-d ResNet face embedding.

Everything runs through the prebuilt ``dlib-bin`` wheel (no compiling) on the files that the
``face-recognition-models==0.3.0`` package ships (weights registry, profile ``portable``):

- ``shape_predictor_5_face_landmarks.dat`` (``dlib-shape-5``): eye corners and the bottom of the nose,
  trained by Davis King on his own 7198-face dataset; designed for dlib's HOG face detector's boxes.
  (The 68-point model in the same package is trained on iBUG 300-W, whose licence excludes commercial
  use: it is never loaded.)
- ``dlib_face_recognition_resnet_model_v1.dat`` (``dlib-face-recognition``): a 29-layer ResNet trained on
  about 3 million faces of 7485 people; 99.38 % on LFW.

The pipeline is ``face_recognition.face_encodings(image, model="small")`` step by step:

1. the frontal-face HOG detector that is compiled into dlib (``dlib.get_frontal_face_detector``; no
   file), run with :data:`UPSAMPLE` upsamplings; the highest-scoring face of a frame is kept;
2. the 5 points of that box (``dlib.shape_predictor``);
3. ``compute_face_descriptor(image, shape, num_jitters=1)``: dlib aligns a 150×150 chip (padding 0.25)
   from the 5 points and embeds it: a unit-scale 128-d vector (same-person pairs lie within Euclidean
   distance 0.6 by training).

:data:`UPSAMPLE` is 0 where face_recognition's default is 1: benchmark frames are face crops (faces over
100 pixels), and an upsampling only adds faces smaller than the detector's 80×80 window while costing 4×
the time. It is part of the CSIM-portable protocol id.

Example:
    >>> import numpy as np
    >>> judge = dlib_judge()  # doctest: +SKIP
    >>> judge.boxes(np.zeros((1, 64, 64, 3), np.uint8))  # doctest: +SKIP
    array([[nan, nan, nan, nan]], dtype=float32)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.errors import MissingWeightsError

UPSAMPLE = 0
EMBED_DIM = 128
NUM_JITTERS = 1  # face_recognition's default: one pass, no random jitter (deterministic)


def _dlib() -> Any:
    try:
        import dlib
    except ImportError:
        raise MissingWeightsError(
            "the portable identity judge needs dlib: `pip install dlib-bin==20.0.1.post1` (a prebuilt wheel)"
        ) from None
    return dlib


class DlibFace:
    """dlib's HOG face detector, 5-point shape predictor and ResNet face descriptor.

    Args:
        predictor_path: ``shape_predictor_5_face_landmarks.dat``.
        recognition_path: ``dlib_face_recognition_resnet_model_v1.dat``.
        upsample: how many times the HOG detector doubles the image before searching.
    """

    def __init__(self, predictor_path: str | Path, recognition_path: str | Path, upsample: int = UPSAMPLE) -> None:
        dlib = _dlib()
        self.detector = dlib.get_frontal_face_detector()
        self.predictor = dlib.shape_predictor(str(predictor_path))
        self.encoder = dlib.face_recognition_model_v1(str(recognition_path))
        self.upsample = upsample

    def boxes(self, frames: np.ndarray) -> np.ndarray:
        """The highest-scoring HOG face of every frame as ``(x, y, w, h)`` (dlib's rectangle), ``(T, 4)``
        float32 with NaN rows where no face was found."""
        out = np.full((len(frames), 4), np.nan, np.float32)
        for t, frame in enumerate(frames):
            rects, scores, _ = self.detector.run(np.ascontiguousarray(frame), self.upsample, 0.0)
            if len(rects):
                r = rects[int(np.argmax(scores))]
                out[t] = (r.left(), r.top(), r.width(), r.height())
        return out

    def shapes(self, frames: np.ndarray, boxes: np.ndarray) -> list[Any]:
        """The 5-point ``full_object_detection`` of every frame with a box (None where there is none)."""
        dlib = _dlib()
        out: list[Any] = []
        for frame, box in zip(frames, boxes, strict=True):
            if not np.isfinite(box).all():
                out.append(None)
                continue
            x, y, w, h = (int(v) for v in box)
            out.append(self.predictor(np.ascontiguousarray(frame), dlib.rectangle(x, y, x + w - 1, y + h - 1)))
        return out

    def five_points(self, frames: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """``(T, 5, 2)`` float32 pixel coordinates of the 5 points (NaN where no box)."""
        out = np.full((len(frames), 5, 2), np.nan, np.float32)
        for t, shape in enumerate(self.shapes(frames, boxes)):
            if shape is not None:
                out[t] = [(p.x, p.y) for p in shape.parts()]
        return out

    def embed(self, frames: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """128-d descriptors ``(T, 128)`` float64 (zeros where no face) and the ``(T,)`` mask of faces."""
        out = np.zeros((len(frames), EMBED_DIM), np.float64)
        ok = np.zeros(len(frames), bool)
        for t, (frame, shape) in enumerate(zip(frames, self.shapes(frames, boxes), strict=True)):
            if shape is None:
                continue
            out[t] = np.asarray(self.encoder.compute_face_descriptor(np.ascontiguousarray(frame), shape, NUM_JITTERS))
            ok[t] = True
        return out, ok


_JUDGES: dict[tuple[str, str], DlibFace] = {}


def dlib_judge() -> DlibFace:
    """The judge on the weights registry's ``dlib-shape-5`` and ``dlib-face-recognition`` files (loaded once).

    Raises:
        MissingWeightsError: a file (or dlib itself) is not installed.
    """
    from eatbench.judges.weights import resolve_weights

    key = (str(resolve_weights("dlib-shape-5", "portable")), str(resolve_weights("dlib-face-recognition", "portable")))
    if key not in _JUDGES:
        _JUDGES[key] = DlibFace(*key)
    return _JUDGES[key]
