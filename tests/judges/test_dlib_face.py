"""The portable identity judge: equal to the ``face_recognition`` package's own encodings, on real faces,
and separating real people.

``face_recognition==1.3.0`` (installed with ``--no-deps``: its ``dlib`` requirement would compile dlib; the
prebuilt ``dlib-bin`` provides the module) is the independent reference. Its model package,
``face_recognition_models==0.3.0``, still imports ``pkg_resources``, which setuptools >= 81 no longer
ships; the fixture gives it a one-function stand-in (``resource_filename`` through ``importlib.resources``)
for the import, so the reference runs unmodified.
"""

from __future__ import annotations

import importlib.resources
import sys
import types

import numpy as np
import pytest

from eatbench.judges.dlib_face import EMBED_DIM, dlib_judge
from eatbench.judges.portable_check import TRANSFORMS, identity_separation, real_faces, roc_auc


@pytest.fixture(scope="module")
def face_recognition():
    added = False
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = lambda package, resource: str(importlib.resources.files(package).joinpath(resource))
        sys.modules["pkg_resources"] = shim
        added = True
    try:
        import face_recognition
    finally:
        if added:
            del sys.modules["pkg_resources"]
    return face_recognition


@pytest.fixture(scope="module")
def faces() -> list[tuple[str, str, np.ndarray]]:
    return real_faces(("eileen-collins", "grace-hopper", "tom-hanks"))


def test_boxes_and_embeddings_equal_face_recognitions(face_recognition, faces):
    judge = dlib_judge()
    frames = np.stack([crop for _, _, crop in faces] + [faces[0][2][:, ::-1].copy()])
    boxes = judge.boxes(frames)
    emb, ok = judge.embed(frames, boxes)
    assert ok.all() and emb.shape == (len(frames), EMBED_DIM)
    for t, frame in enumerate(frames):
        # 1. The same face box as face_recognition's HOG search without upsampling (its css order).
        x, y, w, h = (int(v) for v in boxes[t])
        css = (y, x + w - 1, y + h - 1, x)
        assert face_recognition.face_locations(frame, number_of_times_to_upsample=0) == [css]
        # 2. The same 128-d encoding for the same image and box (5-point model, one jitter).
        (ref,) = face_recognition.face_encodings(frame, known_face_locations=[css], num_jitters=1, model="small")
        assert np.abs(emb[t] - ref).max() <= 1e-6
    assert np.linalg.norm(emb, axis=1).min() > 0.3  # real descriptors, not zeros


def test_five_points_are_eye_corners_and_nose(faces):
    judge = dlib_judge()
    crop = faces[0][2]
    pts = judge.five_points(crop[None], judge.boxes(crop[None]))[0]
    # dlib's 5-point order: image-right eye outer/inner corner, image-left eye outer/inner, nose bottom.
    assert pts[0, 0] > pts[1, 0] > pts[3, 0] > pts[2, 0]
    assert pts[4, 1] > pts[:4, 1].max()  # the nose is below the eyes


def test_a_frame_without_a_face_has_no_embedding():
    judge = dlib_judge()
    blank = np.full((1, 128, 128, 3), 127, np.uint8)
    boxes = judge.boxes(blank)
    emb, ok = judge.embed(blank, boxes)
    assert np.isnan(boxes).all() and ok.tolist() == [False] and not emb.any()


def test_same_person_copies_are_closer_than_different_people(faces):
    """Three real people, each with three transformed copies: every same-person pair above every
    different-person pair (results/portable/identity_auc.json has the full nine-person run)."""
    out = identity_separation(faces, transforms=["mirror", "rotate+10", "jpeg-20"])
    assert out["images_without_face"] == []
    assert out["roc_auc"] == 1.0 and out["margin"] > 0
    assert out["same_person_pairs"] == 3 * 6 and out["different_person_pairs"] == 3 * 16


def test_roc_auc_by_hand():
    assert roc_auc(np.array([0.9, 0.8]), np.array([0.1, 0.85])) == 0.75
    assert roc_auc(np.array([0.5]), np.array([0.5])) == 0.5
    assert set(TRANSFORMS) >= {"mirror", "jpeg-20"}
