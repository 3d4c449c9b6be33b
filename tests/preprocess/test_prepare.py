"""prepare_clip / prepare_clips / load_prepared: shapes, lengths, cache hits, atomic entries, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eatbench.errors import InputError
from eatbench.io import Audio, frames_for_audio, read_audio, read_video
from eatbench.preprocess import prepare as prep
from eatbench.preprocess.mediapipe_face import arcface_five, mask_box
from eatbench.preprocess.prepare import (
    ARRAYS_FILE,
    SIDECAR_FILE,
    VIDEO_FILE,
    PreparedClip,
    choose_reference,
    fill_missing_boxes,
    load_prepared,
    prepare_clip,
    prepare_clips,
    trim_to_audio,
)


def _entries(home):
    root = home / "prep"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_prepare_clip_shapes_fps_length_and_entry(make_clip, home):
    clip = make_clip(num_frames=36, fps=30.0)  # 1.2 s of video and of audio (muxed)
    p = prepare_clip(clip)
    assert isinstance(p, PreparedClip) and p.clip == clip
    assert p.frames.shape == (30, 256, 256, 3) and p.frames.dtype == np.uint8  # 1.2 s at 25 fps
    assert p.audio.sample_rate == 16000 and len(p.audio.samples) == 30 * 640
    assert frames_for_audio(p.audio) == p.num_frames
    assert p.landmarks.shape == (30, 478, 2) and np.isfinite(p.landmarks).all()
    np.testing.assert_array_equal(p.five, arcface_five(p.landmarks))
    np.testing.assert_array_equal(p.mask_boxes, mask_box(p.landmarks))
    assert 0 <= p.reference_index < 30 and np.array_equal(p.reference, p.frames[p.reference_index])
    assert p.crop_box.shape == (4,) and p.crop_box[2] - p.crop_box[0] == p.crop_box[3] - p.crop_box[1]

    # The entry on disk: lossless crop with the audio muxed, arrays and sidecar.
    (key,) = _entries(home)
    assert key == p.key and len(key) == 64
    entry = home / "prep" / key
    assert {f.name for f in entry.iterdir()} == {VIDEO_FILE, ARRAYS_FILE, SIDECAR_FILE}
    np.testing.assert_array_equal(read_video(entry / VIDEO_FILE).frames, p.frames)
    np.testing.assert_array_equal(read_audio(entry / VIDEO_FILE).int16, p.audio.int16)
    sidecar = json.loads((entry / SIDECAR_FILE).read_text())
    assert sidecar["frames"] == 30 and sidecar["source"]["fps"] == 30.0 and sidecar["clip"] == clip.to_dict()
    # The audio is the input audio (resampled to 16 kHz is a no-op here), trimmed to 30 frames.
    original = read_audio(clip.video)
    np.testing.assert_array_equal(p.audio.int16, original.int16[: 30 * 640])


def test_mask_boxes_inside_the_crop_and_over_the_mouth(make_clip, home):
    p = prepare_clip(make_clip(num_frames=12, fps=25.0))
    b = p.mask_boxes
    assert np.all(b[:, 0] >= 0) and np.all(b[:, 1] >= 0) and np.all(b[:, 2] <= 256) and np.all(b[:, 3] <= 256)
    for t in range(p.num_frames):
        mouth = p.landmarks[t, [13, 14, 61, 291]]
        assert np.all((mouth[:, 0] > b[t, 0]) & (mouth[:, 0] < b[t, 2]))
        assert np.all((mouth[:, 1] > b[t, 1]) & (mouth[:, 1] < b[t, 3]))


def test_rerun_loads_from_the_cache_without_recomputing(make_clip, home, monkeypatch):
    clip = make_clip(num_frames=15, fps=25.0, separate_audio=True)
    assert load_prepared(clip) is None
    first = prepare_clip(clip)

    def boom(*args, **kwargs):
        raise AssertionError("recomputed")

    monkeypatch.setattr(prep, "crop_video", boom)
    monkeypatch.setattr(prep, "face_mesh", boom)
    again = prepare_clip(clip)
    loaded = load_prepared(clip)
    for other in (again, loaded):
        assert other is not None and other.key == first.key and other.reference_index == first.reference_index
        np.testing.assert_array_equal(other.frames, first.frames)
        np.testing.assert_array_equal(other.audio.int16, first.audio.int16)
        np.testing.assert_array_equal(other.landmarks, first.landmarks)
        np.testing.assert_array_equal(other.mask_boxes, first.mask_boxes)
        np.testing.assert_array_equal(other.crop_box, first.crop_box)
    assert len(_entries(home)) == 1


def test_a_damaged_entry_is_ignored_and_rebuilt(make_clip, home):
    clip = make_clip(num_frames=12, fps=25.0)
    first = prepare_clip(clip)
    video = home / "prep" / first.key / VIDEO_FILE
    video.write_bytes(video.read_bytes()[:200])  # truncated
    assert load_prepared(clip) is None
    again = prepare_clip(clip)
    np.testing.assert_array_equal(again.frames, first.frames)
    loaded = load_prepared(clip)
    assert loaded is not None and loaded.num_frames == 12


def test_changed_audio_is_a_new_entry(make_clip, home):
    a = make_clip(num_frames=12, fps=25.0, separate_audio=True, name="a")
    prepare_clip(a)
    b = make_clip(num_frames=12, fps=25.0, separate_audio=True, name="b", audio=Audio(np.full(8000, 0.2, np.float32)))
    prepare_clip(b)
    assert len(_entries(home)) == 2


def test_a_failure_mid_write_leaves_no_entry(make_clip, home, monkeypatch):
    clip = make_clip(num_frames=12, fps=25.0)
    real_savez = np.savez

    def crash(*args, **kwargs):  # the video is written by now; the arrays are not
        raise KeyboardInterrupt

    monkeypatch.setattr(prep.np, "savez", crash)
    with pytest.raises(KeyboardInterrupt):
        prepare_clip(clip)
    assert _entries(home) == []  # no entry and no temporary folder left behind
    assert load_prepared(clip) is None
    monkeypatch.setattr(prep.np, "savez", real_savez)
    assert prepare_clip(clip).num_frames == 12
    assert len(_entries(home)) == 1


def test_audio_longer_or_shorter_than_the_video(make_clip, home):
    long_audio = prepare_clip(make_clip(num_frames=20, fps=25.0, audio_seconds=1.5, name="long"))
    assert long_audio.num_frames == 20 and len(long_audio.audio.samples) == 20 * 640
    short_audio = prepare_clip(make_clip(num_frames=20, fps=25.0, audio_seconds=0.5, separate_audio=True, name="short"))
    assert short_audio.num_frames == 12 and len(short_audio.audio.samples) == 12 * 640  # round(0.5 * 25) = 12.5 -> 12


def test_silent_and_too_short_audio_are_refused(make_clip, home):
    silent = make_clip(num_frames=10, fps=25.0, audio=Audio(np.zeros(6400, np.float32)), name="silent")
    with pytest.raises(InputError, match="silent"):
        prepare_clip(silent)
    short = make_clip(num_frames=10, fps=25.0, audio_seconds=0.1, separate_audio=True, name="short")
    with pytest.raises(InputError, match=r"at least 0\.2 s"):
        prepare_clip(short)
    assert _entries(home) == []


def test_prepare_clips_skips_and_lists_bad_clips(make_clip, home):
    noise = np.random.default_rng(0).integers(90, 110, (10, 96, 96, 3), dtype=np.uint8)
    good = make_clip(num_frames=10, fps=25.0, name="good")
    no_face = make_clip(frames=noise, fps=25.0, name="noface")
    silent = make_clip(num_frames=10, fps=25.0, audio=Audio(np.zeros(6400, np.float32)), name="silent")
    calls = []
    done, skipped = prepare_clips([no_face, good, silent], progress=lambda i, n: calls.append((i, n)))
    assert [p.clip for p in done] == [good]
    assert [c for c, _ in skipped] == [no_face, silent]
    assert skipped[0][1] == f"{no_face.video}: no face found in 10 of 10 frames"
    assert "silent" in skipped[1][1]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_trim_to_audio_pads_less_than_a_frame():
    frames = np.zeros((30, 4, 4, 3), np.uint8)
    audio = Audio.from_int16(np.ones(int(16000 * 0.99), np.int16))  # 24.75 frames -> 25
    f, a = trim_to_audio(frames, audio)
    assert len(f) == 25 and len(a.samples) == 25 * 640
    assert np.all(a.int16[:15840] == 1) and np.all(a.int16[15840:] == 0)


def test_choose_reference_prefers_a_closed_mouth_with_open_eyes():
    lm = np.zeros((5, 478, 2), np.float32)
    lm[:, 468] = (0, 0)
    lm[:, 473] = (10, 0)
    lm[:, 159], lm[:, 145] = (0, 0), (0, 3)  # eyes open by 3 px
    lm[:, 386], lm[:, 374] = (10, 0), (10, 3)
    lm[:, 13] = (5, 10)
    lm[:, 14, 0] = 5
    lm[:, 14, 1] = 10 + np.array([4.0, 2.0, 0.5, 0.5, 3.0])  # mouth gaps
    lm[2, 145, 1] = lm[2, 374, 1] = 0.2  # frame 2 blinks
    assert choose_reference(lm) == 3  # 2 has the same gap but closed eyes
    lm[1] = np.nan  # no face in frame 1
    lm[0, 14, 1] = lm[3, 14, 1] = 12.0  # frames 0 and 3 tie
    assert choose_reference(lm) == 0  # the earliest
    assert choose_reference(np.full((3, 478, 2), np.nan, np.float32)) == 0


def test_fill_missing_boxes_from_the_nearest_frame():
    boxes = np.array([[np.nan] * 4, [1, 1, 2, 2], [np.nan] * 4, [np.nan] * 4, [5, 5, 6, 6], [np.nan] * 4], np.float32)
    filled = fill_missing_boxes(boxes)
    np.testing.assert_array_equal(filled[:, 0], [1, 1, 1, 5, 5, 5])  # frame 2 ties 1 vs 4: the earlier


def test_prepare_a_demo_corpus_clip(tmp_path, home):
    """The generated demo faces go through the whole pipeline: found in every frame, crop 256², 25 fps."""
    from eatbench.datasets.demo import generate_corpus
    from eatbench.datasets.registry import get_dataset

    root = generate_corpus(tmp_path / "MEAD", seed=0, actors=["M003"], emotions=["happy"], sentences=1, workers=1)
    (clip,) = get_dataset("demo", root).clips(None)
    p = prepare_clip(clip)
    sidecar = json.loads((home / "prep" / p.key / SIDECAR_FILE).read_text())
    assert p.frames.shape[1:] == (256, 256, 3) and sidecar["source"]["fps"] == 25.0
    assert p.num_frames == min(read_video(clip.video).num_frames, frames_for_audio(read_audio(clip.audio)))
    assert sidecar["frames_without_mesh"] == 0 and np.isfinite(p.landmarks).all()
    mouth = p.landmarks[:, [13, 14, 61, 291]]
    b = p.mask_boxes[:, None]
    assert np.all((mouth[..., 0] > b[..., 0]) & (mouth[..., 0] < b[..., 2]))
    assert np.all((mouth[..., 1] > b[..., 1]) & (mouth[..., 1] < b[..., 3]))
