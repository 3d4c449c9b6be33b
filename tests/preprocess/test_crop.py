"""The benchmark crop: box rules by hand, and the crop of a moving real face (size, fps, length, head inside)."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.errors import InputError
from eatbench.preprocess.crop import CROP_SIZE, apply_crop, check_face_found, crop_face, crop_video, square_box
from eatbench.preprocess.mediapipe_face import face_mesh


def test_square_box_by_hand():
    # Face 100 px centred at (150, 150): side 1.8 * 100 = 180, centre raised by 0.15 * 100.
    box = square_box(np.array([[100.0, 100.0, 200.0, 200.0], [np.nan] * 4]), 480, 640)
    np.testing.assert_array_equal(box, [60, 45, 240, 225])


def test_square_box_grows_with_head_motion():
    still = square_box(np.array([[100.0, 100.0, 200.0, 200.0]] * 20), 480, 640)
    shifts = np.linspace(-20, 20, 20)[:, None] * np.array([1.0, 0.0, 1.0, 0.0])
    moving = square_box(np.array([[100.0, 100.0, 200.0, 200.0]]) + shifts, 480, 640)
    grow = (moving[2] - moving[0]) - (still[2] - still[0])
    # the 5th-95th percentile spread of the x centres: 0.9 * 40 px
    assert grow == pytest.approx(36, abs=1)


def test_square_box_stays_inside_and_shrinks_to_the_frame():
    near_edge = square_box(np.array([[0.0, 10.0, 60.0, 70.0]]), 200, 300)
    assert near_edge[0] == 0 and near_edge[1] == 0 and near_edge[2] - near_edge[0] == near_edge[3] - near_edge[1]
    huge = square_box(np.array([[10.0, 10.0, 190.0, 190.0]]), 200, 300)
    assert huge[3] - huge[1] == 200 and huge[1] == 0 and huge[3] == 200 and 0 <= huge[0] and huge[2] <= 300


def test_apply_crop_matches_cv2_on_the_slice():
    import cv2

    frames = np.random.default_rng(0).integers(0, 256, (2, 400, 500, 3), dtype=np.uint8)
    box = np.array([50, 20, 350, 320], np.float32)
    out = apply_crop(frames, box)
    assert out.shape == (2, CROP_SIZE, CROP_SIZE, 3)
    np.testing.assert_array_equal(
        out[1], cv2.resize(frames[1, 20:320, 50:350], (CROP_SIZE, CROP_SIZE), interpolation=cv2.INTER_AREA)
    )
    exact = apply_crop(frames, np.array([0, 0, 256, 256], np.float32))
    np.testing.assert_array_equal(exact, frames[:, :256, :256])


def test_check_face_found_message():
    check_face_found(np.array([True, True, False, False]), "v.mp4")  # half missing is still accepted
    with pytest.raises(InputError, match=r"^v\.mp4: no face found in 3 of 4 frames$"):
        check_face_found(np.array([True, False, False, False]), "v.mp4")


def test_crop_face_on_a_moving_face(make_frames):
    frames = make_frames(36)  # 36 frames at 30 fps = 1.2 s
    crop = crop_face(frames, 30.0, "portrait")
    assert crop.frames.shape == (30, CROP_SIZE, CROP_SIZE, 3)  # 1.2 s at 25 fps
    assert crop.detections.shape == (30, 4) and np.isfinite(crop.detections).all()
    x0, y0, x1, y1 = crop.box
    assert x1 - x0 == y1 - y0 and 0 <= x0 and 0 <= y0 and x1 <= 320 and y1 <= 320
    # One box for the whole clip: every detected face lies inside it.
    d = crop.detections
    assert (d[:, 0] >= x0).all() and (d[:, 2] <= x1).all() and (d[:, 1] >= y0).all() and (d[:, 3] <= y1).all()
    # The face is found again in the crop, roughly centred horizontally, chin above the bottom edge.
    lm = face_mesh(crop.frames[[0, 15, 29]])
    assert np.isfinite(lm).all()
    nose_x = lm[:, 1, 0]
    assert np.all(np.abs(nose_x - CROP_SIZE / 2) < 0.15 * CROP_SIZE)
    assert np.all(lm[:, 152, 1] < CROP_SIZE - 5)


def test_crop_face_refuses_a_clip_without_a_face():
    frames = np.random.default_rng(1).integers(90, 110, (10, 120, 120, 3), dtype=np.uint8)
    with pytest.raises(InputError, match="no face found in 10 of 10 frames"):
        crop_face(frames, 25.0, "noise.mp4")


def test_crop_video_streams_to_the_same_result_as_crop_face(make_frames, tmp_path):
    """A 960x540 file at 30 fps (shrunk before detection, frames dropped to 25 fps), streamed vs in memory."""
    from eatbench.io import read_video, write_video

    faces = make_frames(18)
    frames = np.full((18, 540, 960, 3), 90, np.uint8)
    frames[:, 150:470, 500:820] = faces
    path = tmp_path / "wide.mkv"
    write_video(path, frames, fps=30.0)
    streamed = crop_video(path)
    video = read_video(path)
    in_memory = crop_face(video.frames, video.fps, path)
    assert streamed.frames.shape == (15, CROP_SIZE, CROP_SIZE, 3)
    np.testing.assert_array_equal(streamed.frames, in_memory.frames)
    np.testing.assert_array_equal(streamed.box, in_memory.box)
    np.testing.assert_allclose(streamed.detections, in_memory.detections, rtol=1e-6)
    assert (streamed.source_fps, streamed.source_frames, streamed.source_size) == (30.0, 18, (540, 960))
    # The box lies on the portrait (x 500..820 of the canvas) and is smaller than it.
    x0, _, x1, _ = streamed.box
    assert x0 >= 500 and x1 <= 820 and x1 - x0 < 320


def test_crop_video_bad_files(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        crop_video(empty)
    with pytest.raises(InputError, match="no such file"):
        crop_video(tmp_path / "missing.mp4")
