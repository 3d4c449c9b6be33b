"""MediaPipe wrappers on a real portrait: boxes, landmarks, ArcFace points (against insightface's template), mask box."""

from __future__ import annotations

import threading

import numpy as np

from eatbench.preprocess.mediapipe_face import (
    ARCFACE_FIVE,
    MASK_POINTS,
    NUM_LANDMARKS,
    arcface_five,
    box_mask,
    detect_faces,
    face_mesh,
    mask_box,
)


def _inside(points: np.ndarray, box: np.ndarray) -> bool:
    return bool(
        np.all(
            (points[:, 0] >= box[0]) & (points[:, 0] <= box[2]) & (points[:, 1] >= box[1]) & (points[:, 1] <= box[3])
        )
    )


def test_detect_faces_finds_the_face_and_nan_without_one(face_image):
    frames = np.stack([face_image, np.full_like(face_image, 128)])
    boxes = detect_faces(frames)
    assert boxes.shape == (2, 4) and boxes.dtype == np.float32
    assert np.isnan(boxes[1]).all()
    # The BlazeFace box holds the eyes, nose and mouth found by Face Mesh.
    lm = face_mesh(face_image)[0]
    assert _inside(lm[[468, 473, 1, 13, 14]], boxes[0])


def test_detect_faces_scales_with_the_image(face_image):
    """A 4x larger frame goes through the shrink-before-detect path; the box must scale with it."""
    import cv2

    big = cv2.resize(face_image, (1280, 1280), interpolation=cv2.INTER_CUBIC)
    small_box = detect_faces(face_image)[0]
    big_box = detect_faces(big)[0]
    np.testing.assert_allclose(big_box / 4, small_box, atol=3.0)


def test_face_mesh_shape_pixels_and_missing_rows(face_image):
    import cv2

    frames = np.stack([face_image, np.zeros_like(face_image)])
    lm = face_mesh(frames)
    assert lm.shape == (2, NUM_LANDMARKS, 2) and lm.dtype == np.float32
    assert np.isnan(lm[1]).all() and np.isfinite(lm[0]).all()
    # Pixel coordinates (not normalised): halving the image halves the landmarks.
    half = cv2.resize(face_image, (160, 160), interpolation=cv2.INTER_AREA)
    lm_half = face_mesh(half)[0]
    assert np.median(np.abs(lm_half * 2 - lm[0])) < 2.0
    # Anatomy: eyes above the nose tip, nose above the mouth, chin (152) below everything, forehead (151) above.
    y = lm[0, :, 1]
    assert y[151] < y[468] < y[1] < y[13] < y[152]


def test_arcface_five_indices():
    lm = np.zeros((3, NUM_LANDMARKS, 2), np.float32)
    lm[:, :, 0] = np.arange(NUM_LANDMARKS)
    lm[:, :, 1] = -np.arange(NUM_LANDMARKS)
    five = arcface_five(lm)
    assert five.shape == (3, 5, 2)
    np.testing.assert_array_equal(five[0, :, 0], [468, 473, 1, 61, 291])
    assert ARCFACE_FIVE == (468, 473, 1, 61, 291)


def test_arcface_five_matches_the_insightface_template(face_image):
    """The 5 points of a frontal face fit ArcFace's 112x112 template by a similarity with small residual."""
    from insightface.utils.face_align import arcface_dst
    from skimage.transform import SimilarityTransform

    five = arcface_five(face_mesh(face_image))[0].astype(np.float64)
    # Image-left eye is left of image-right eye, mouth corners likewise.
    assert five[0, 0] < five[1, 0] and five[3, 0] < five[4, 0]
    tform = SimilarityTransform.from_estimate(five, arcface_dst)
    residual = np.linalg.norm(tform(five) - arcface_dst, axis=1)
    # Pixels of the 112x112 template. This smiling, slightly tilted face fits within ~7 px; swapped eyes or
    # mouth corners give ~28 px and the lip centres (13, 14) instead of the corners ~16 px.
    assert residual.max() < 8.0, residual


def test_mask_box_indices_and_nan():
    rng = np.random.default_rng(0)
    lm = rng.uniform(0, 100, (2, NUM_LANDMARKS, 2)).astype(np.float32)
    lm[1] = np.nan
    box = mask_box(lm)
    pts = lm[0, list(MASK_POINTS)]
    np.testing.assert_array_equal(box[0], [pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()])
    assert np.isnan(box[1]).all()
    assert MASK_POINTS == (127, 151, 152, 356)


def test_mask_box_covers_the_face_but_not_the_whole_head(face_image):
    lm = face_mesh(face_image)[0]
    box = mask_box(lm[None])[0]
    mouth = lm[[13, 14, 61, 291, 0, 17]]  # inner lips, corners, outer lip centre top/bottom
    assert _inside(mouth, box) and _inside(lm[[468, 473, 1]], box)
    h, w = face_image.shape[:2]
    assert 0 <= box[0] < box[2] <= w and 0 <= box[1] < box[3] <= h
    # The mask spans forehead to chin; the top of the head (hair above the forehead point) stays outside.
    assert box[1] == lm[151, 1] and box[3] == lm[152, 1]
    assert (box[2] - box[0]) * (box[3] - box[1]) < 0.5 * h * w


def test_box_mask_rasterises_pixel_centres():
    mask = box_mask(np.array([[1.0, 2.0, 3.0, 4.0], [np.nan] * 4]), 6, 5)
    assert mask.shape == (2, 6, 5)
    expected = np.zeros((6, 5), bool)
    expected[2:4, 1:3] = True  # centres 2.5, 3.5 in y and 1.5, 2.5 in x
    np.testing.assert_array_equal(mask[0], expected)
    assert not mask[1].any()


def test_shared_graph_is_safe_across_threads(face_image):
    frames = np.stack([face_image, face_image[:, ::-1].copy()])
    expected = face_mesh(frames)
    results: list[np.ndarray] = []
    threads = [threading.Thread(target=lambda: results.append(face_mesh(frames))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3
    for r in results:
        np.testing.assert_array_equal(r, expected)
