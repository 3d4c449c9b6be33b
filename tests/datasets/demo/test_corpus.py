"""The demo corpus on disk: MEAD layout, formats, reproducibility, MediaPipe, lip sync, bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eatbench.datasets.demo import generate_corpus
from eatbench.datasets.demo.corpus import SENTENCES
from eatbench.datasets.demo.motion import frame_energy
from eatbench.errors import InputError
from eatbench.io import read_audio, read_video

TINY = {"actors": ["M003", "W009"], "emotions": ["happy", "sad"], "sentences": 1}  # as in conftest.tiny_corpus
EXPECTED = {
    "M003/video/front/happy/level_2/001.mp4",
    "M003/video/front/sad/level_2/001.mp4",
    "M003/audio/happy/level_2/001.m4a",
    "M003/audio/sad/level_2/001.m4a",
    "W009/video/front/happy/level_2/001.mp4",
    "W009/video/front/sad/level_2/001.mp4",
    "W009/audio/happy/level_2/001.m4a",
    "W009/audio/sad/level_2/001.m4a",
    "demo.json",
}


def _files(root):
    """Files under root, less the split file the MEAD adapter writes beside the data."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "eatbench_splits.json"}


def test_layout_is_meads(tiny_corpus):
    assert _files(tiny_corpus) == EXPECTED
    manifest = json.loads((tiny_corpus / "demo.json").read_text())
    assert manifest["split"] == "clip"
    assert manifest["seed"] == 0 and manifest["actors"] == TINY["actors"] and manifest["emotions"] == TINY["emotions"]
    assert manifest["sentences"] == 1 and manifest["sentence_texts"] == {"001": SENTENCES[0]}


def test_neutral_lives_at_level_1(tmp_path):
    generate_corpus(tmp_path, actors=["W015"], emotions=["neutral"], sentences=1, workers=1)
    assert _files(tmp_path) == {
        "W015/video/front/neutral/level_1/001.mp4",
        "W015/audio/neutral/level_1/001.m4a",
        "demo.json",
    }


def test_the_mead_adapter_reads_it_with_a_clip_split(tiny_corpus):
    from eatbench.datasets.mead import MEAD

    clips = MEAD(tiny_corpus).clips()
    assert [(c.actor, c.emotion, c.level, c.sentence) for c in clips] == [
        ("M003", "happy", 2, "001"),
        ("M003", "sad", 2, "001"),
        ("W009", "happy", 2, "001"),
        ("W009", "sad", 2, "001"),
    ]
    assert all(c.audio is not None and c.audio.is_file() for c in clips)
    assert MEAD(tiny_corpus).split_rule == "clip"


def test_formats_durations_and_alignment(tiny_corpus):
    for video in sorted(tiny_corpus.rglob("*.mp4")):
        v = read_video(video)
        assert v.fps == 25.0 and v.frames.shape[1:] == (256, 256, 3)
        muxed = read_audio(video)
        m4a = read_audio(str(video).replace("/video/front/", "/audio/").replace(".mp4", ".m4a"))
        assert muxed.sample_rate == m4a.sample_rate == 16000
        assert 2.0 <= m4a.duration <= 4.0
        # audio and video have exactly the same length (640 samples per frame)
        assert len(m4a.samples) == len(muxed.samples) == 640 * v.num_frames
        assert np.array_equal(muxed.int16, m4a.int16)
        assert np.abs(m4a.samples).max() > 0.1
        # libx264 records its settings in the stream: one thread, so the bytes do not depend on the machine
        assert b" threads=1 " in video.read_bytes()


def test_same_seed_gives_identical_files_frames_and_audio(tiny_corpus, tmp_path):
    """Regenerated with two worker processes instead of one: every file is byte-identical."""
    again = generate_corpus(tmp_path / "again", seed=0, workers=2, **TINY)
    for rel in EXPECTED:
        assert (tiny_corpus / rel).read_bytes() == (again / rel).read_bytes(), rel
    rel = "W009/video/front/sad/level_2/001.mp4"
    assert np.array_equal(read_video(tiny_corpus / rel).frames, read_video(again / rel).frames)


def test_another_seed_gives_another_performance(tiny_corpus, tmp_path):
    other = generate_corpus(tmp_path, seed=1, actors=["M003"], emotions=["happy"], sentences=1, workers=1)
    rel = "M003/video/front/happy/level_2/001.mp4"
    a, b = read_video(tiny_corpus / rel).frames, read_video(other / rel).frames
    n = min(len(a), len(b))
    assert np.abs(a[:n].astype(int) - b[:n].astype(int)).mean() > 0.5


def test_a_complete_corpus_is_reused(tiny_corpus):
    stamps = {p: p.stat().st_mtime_ns for p in tiny_corpus.rglob("*.mp4")}
    calls = []
    generate_corpus(tiny_corpus, seed=0, workers=1, progress=lambda d, t: calls.append((d, t)), **TINY)
    assert {p: p.stat().st_mtime_ns for p in tiny_corpus.rglob("*.mp4")} == stamps
    assert calls == [(4, 4)]


def test_progress_reports_every_clip(tmp_path):
    calls = []
    generate_corpus(tmp_path, actors=["M030"], emotions=["angry", "fear"], sentences=1, workers=1,
                    progress=lambda d, t: calls.append((d, t)))  # fmt: skip
    assert calls == [(0, 2), (1, 2), (2, 2)]


def test_mediapipe_finds_the_face_in_sampled_frames_of_each_identity(tiny_corpus, mesh):
    for video in sorted(tiny_corpus.rglob("*.mp4")):
        frames = read_video(video).frames
        for i in range(0, len(frames), 10):
            assert mesh.detect(frames[i]), f"{video}: no face detected in frame {i}"
            assert mesh.landmarks(frames[i]) is not None, f"{video}: no Face Mesh in frame {i}"


def test_mouth_opening_follows_the_speech(tiny_corpus, mesh):
    """Inner-lip distance from Face Mesh (points 13, 14) correlates with the audio energy per frame."""
    for video in sorted(tiny_corpus.rglob("*.mp4")):
        frames, audio = read_video(video).frames, read_audio(video)
        opening = []
        for f in frames:
            lm = mesh.landmarks(f)
            opening.append((lm[14][1] - lm[13][1]) / np.linalg.norm(lm[263] - lm[33]))
        energy = frame_energy(audio, len(frames))
        r = np.corrcoef(opening, energy)[0, 1]
        assert r > 0.5, f"{video}: lip opening vs speech energy r = {r:.2f}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"emotions": ["happpy"]}, "did you mean 'happy'"),
        ({"sentences": 0}, "at least 1"),
        ({"actors": []}, "empty"),
        ({"actors": ["M003", "M003"]}, "duplicates"),
        ({"actors": ["../x"]}, "not a valid actor id"),
    ],
)
def test_bad_arguments_fail_early_with_one_line(tmp_path, kwargs, message):
    with pytest.raises(InputError, match=message) as err:
        generate_corpus(tmp_path, **kwargs)
    assert "\n" not in str(err.value)
    assert not any(tmp_path.iterdir())  # nothing written


def test_an_interrupted_run_resumes_where_it_stopped(tiny_corpus, tmp_path):
    import shutil

    root = tmp_path / "MEAD"
    shutil.copytree(tiny_corpus, root)
    # What an interrupted run leaves: the partial manifest, some clips, no demo.json.
    (root / "demo.json").rename(root / ".demo-partial.json")
    lost = root / "W009/video/front/sad/level_2/001.mp4"
    lost.unlink()
    stamps = {p: p.stat().st_mtime_ns for p in root.rglob("*.mp4")}
    calls = []
    generate_corpus(root, seed=0, workers=1, progress=lambda d, t: calls.append((d, t)), **TINY)
    assert calls == [(3, 4), (4, 4)]
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*.mp4") if p != lost} == stamps
    assert _files(root) == EXPECTED
    assert lost.read_bytes() == (tiny_corpus / lost.relative_to(root)).read_bytes()


def test_the_default_corpus_has_a_validation_split_disjoint_from_test_and_train(tmp_path):
    """Sentences 009-010 are ``val``; of the others every fourth (004, 008) stays ``test`` as before."""
    from eatbench.datasets.demo.corpus import DEFAULT_SENTENCES, VAL_SENTENCES, audio_path, video_path
    from eatbench.datasets.mead import MEAD

    assert DEFAULT_SENTENCES == 10 and VAL_SENTENCES == (9, 10)
    # The adapter only lists files, so empty files in the demo's layout stand for rendered clips.
    for actor in ("M003", "W009"):
        for emotion in ("neutral", "happy"):
            for k in range(1, DEFAULT_SENTENCES + 1):
                for path in (video_path(tmp_path, actor, emotion, k), audio_path(tmp_path, actor, emotion, k)):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.touch()
    (tmp_path / "demo.json").write_text(json.dumps({"split": "clip", "val_sentences": ["009", "010"]}))
    clips = MEAD(tmp_path).clips()
    sentences = {split: {c.sentence for c in clips if c.split == split} for split in ("train", "val", "test")}
    assert sentences == {
        "train": {"001", "002", "003", "005", "006", "007"},
        "val": {"009", "010"},
        "test": {"004", "008"},
    }
    assert len(MEAD(tmp_path).clips("val")) == 2 * 2 * 2
    stored = json.loads((tmp_path / "eatbench_splits.json").read_text())
    assert stored["val_sentences"] == ["009", "010"]
