"""MediaPipe Face Mesh (478 points) onto the iBUG/dlib 68-point scheme, for the landmark metrics.

The EAT/EAMM landmark distances are defined on dlib's 68 points. Face Mesh has no such subset, so each
iBUG point is taken from one Face Mesh vertex or the mean of two neighbouring vertices. The table is
the correspondence published by Peizhi Yan, "Mediapipe_2_Dlib_Landmarks" (github.com/PeizhiYan/
Mediapipe_2_Dlib_Landmarks, ``mp2dlib.py``, 2024; correspondence picked on the canonical face model
``canonical_face_model_uv_visualization.png`` of google/mediapipe), reproduced as data here. Sides are
the subject's: iBUG 0 (jaw) and 36 (eye corner) lie on the subject's right, image-left for a
non-mirrored frame, as do Face Mesh 127 and 33.

A metric computed on these points is labelled ``mediapipe-68`` in its protocol id: the points sit close
to, but not exactly where, dlib's predictor puts them (the jaw especially), so M-LMD/F-LMD from this
source are comparable with each other, not with dlib-68 numbers in papers.

Example:
    >>> import numpy as np
    >>> mp = np.zeros((478, 2)); mp[61] = (10.0, 20.0)  # left mouth corner
    >>> to_68(mp)[48].tolist()
    [10.0, 20.0]
"""

from __future__ import annotations

import numpy as np

# iBUG index -> Face Mesh vertices (averaged when two).
MEDIAPIPE_TO_IBUG68: tuple[tuple[int, ...], ...] = (
    # 0-16 jaw, subject's right ear to left ear
    (127,), (234,), (93,), (132, 58), (58, 172), (136,), (150,), (176,), (152,),
    (400,), (379,), (365,), (397, 288), (361,), (323,), (454,), (356,),
    # 17-21 right brow, 22-26 left brow
    (70,), (63,), (105,), (66,), (107,),
    (336,), (296,), (334,), (293,), (300,),
    # 27-30 nose bridge, 31-35 nostrils
    (168, 6), (197, 195), (5,), (4,),
    (75,), (97,), (2,), (326,), (305,),
    # 36-41 right eye, 42-47 left eye
    (33,), (160,), (158,), (133,), (153,), (144,),
    (362,), (385,), (387,), (263,), (373,), (380,),
    # 48-59 outer lip from the right corner, 60-67 inner lip
    (61,), (39,), (37,), (0,), (267,), (269,), (291,), (321,), (314,), (17,), (84,), (91,),
    (78,), (82,), (13,), (312,), (308,), (317,), (14,), (87,),
)  # fmt: skip

# (68, 2) index pairs: single vertices are repeated so a mean over axis 1 handles both cases.
_PAIRS = np.array([(p[0], p[-1]) for p in MEDIAPIPE_TO_IBUG68], dtype=np.int64)


def to_68(landmarks: np.ndarray) -> np.ndarray:
    """Map Face Mesh landmarks ``(..., 478, D)`` (or 468) to iBUG-68 ``(..., 68, D)``; NaN stays NaN."""
    if landmarks.shape[-2] < 468:
        raise ValueError(f"expected Face Mesh landmarks (..., 478, D), got shape {landmarks.shape}")
    return landmarks[..., _PAIRS, :].mean(axis=-2)
