"""The MEAD, CREMA-D and folder adapters on small fixture trees in their real layouts."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from eatbench.clip import EMOTIONS
from eatbench.datasets.registry import get_dataset
from eatbench.errors import EatbenchError
from eatbench.io import Audio, read_audio, read_video, write_video

MEAD_ACTORS = ("M003", "M005", "W009", "W011")


def _touch_video(path, with_audio=True):
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = np.full((3, 16, 16, 3), 128, np.uint8)
    audio = Audio((0.3 * np.sin(np.arange(4000) / 5)).astype(np.float32)) if with_audio else None
    write_video(path.with_suffix(".mkv"), frames, audio=audio)
    os.replace(path.with_suffix(".mkv"), path)


@pytest.fixture
def mead_root(tmp_path):
    root = tmp_path / "MEAD"
    for actor in MEAD_ACTORS:
        for emotion in EMOTIONS:
            levels = (1,) if emotion == "neutral" else (1, 2, 3)
            for lv in levels:
                for n in ("001", "002"):
                    (root / actor / "video" / "front" / emotion / f"level_{lv}").mkdir(parents=True, exist_ok=True)
                    (root / actor / "video" / "front" / emotion / f"level_{lv}" / f"{n}.mp4").write_bytes(b"x")
                    (root / actor / "video" / "left_30" / emotion / f"level_{lv}").mkdir(parents=True, exist_ok=True)
                    (root / actor / "video" / "left_30" / emotion / f"level_{lv}" / f"{n}.mp4").write_bytes(b"x")
                    (root / actor / "audio" / emotion / f"level_{lv}").mkdir(parents=True, exist_ok=True)
                    (root / actor / "audio" / emotion / f"level_{lv}" / f"{n}.m4a").write_bytes(b"x")
    return root


def test_mead_defaults_front_level2_neutral_level1(mead_root):
    clips = get_dataset("mead", mead_root).clips()
    assert len(clips) == 4 * 8 * 2
    assert {c.view for c in clips} == {"front"}
    assert {c.level for c in clips if c.emotion == "neutral"} == {1}
    assert {c.level for c in clips if c.emotion != "neutral"} == {2}
    c = clips[0]
    assert c.video == mead_root / "M003/video/front/angry/level_2/001.mp4"
    assert c.audio == mead_root / "M003/audio/angry/level_2/001.m4a"
    assert clips == sorted(clips)  # documented order: actor, emotion, level, sentence


def test_mead_options_view_and_all_levels(mead_root):
    clips = get_dataset("mead", mead_root, view="left_30", level=0).clips()
    assert len(clips) == 4 * (7 * 3 + 1) * 2
    assert {c.view for c in clips} == {"left_30"}
    with pytest.raises(EatbenchError, match="did you mean 'left_30'"):
        get_dataset("mead", mead_root, view="left30")


def test_mead_actor_split_is_written_and_stable(mead_root):
    ds = get_dataset("mead", mead_root)
    test = ds.clips("test")
    assert {c.actor for c in test} == {"M003", "W009"}  # the literature's test actors present here
    assert {c.actor for c in ds.clips("train")} == {"M005", "W011"}
    split_file = mead_root / "eatbench_splits.json"
    stored = json.loads(split_file.read_text())
    assert stored["rule"] == "actor"
    # A stored assignment wins over the rule: edit it and the adapter keeps what is on disk.
    key = "M005/video/front/angry/level_2/001.mp4"
    stored["clips"][key] = "test"
    split_file.write_text(json.dumps(stored))
    again = get_dataset("mead", mead_root).clips("test")
    assert any(c.actor == "M005" for c in again)


def test_mead_clip_split_keeps_actors_and_separates_sentences(mead_root):
    for n in ("003", "004"):
        for actor in MEAD_ACTORS:
            p = mead_root / actor / "video" / "front" / "happy" / "level_2" / f"{n}.mp4"
            p.write_bytes(b"x")
    clips = get_dataset("mead", mead_root, split_rule="clip").clips()
    test_sentences = {c.sentence for c in clips if c.split == "test"}
    train_sentences = {c.sentence for c in clips if c.split == "train"}
    assert test_sentences == {"004"}
    assert not test_sentences & train_sentences
    assert {c.actor for c in clips if c.split == "test"} == set(MEAD_ACTORS)


def test_mead_empty_root_names_the_pattern(tmp_path):
    with pytest.raises(EatbenchError, match=r"no clips under .* \(looked for \*/video/front/\*/level_2/\*\.mp4"):
        get_dataset("mead", tmp_path).clips()


def test_mead_reads_real_media(tmp_path):
    root = tmp_path / "MEAD"
    _touch_video(root / "M003/video/front/angry/level_2/001.mp4")
    clip = get_dataset("mead", root).clips()[0]
    assert read_video(clip.video).num_frames == 3
    assert clip.audio is None  # no .m4a beside it: the video's own track is used
    assert read_audio(clip.video).duration == pytest.approx(0.25, abs=0.01)


def test_cremad_layout_codes_and_split(tmp_path):
    root = tmp_path / "CREMA-D"
    (root / "VideoFlash").mkdir(parents=True)
    (root / "AudioWAV").mkdir()
    names = ["1001_DFA_ANG_XX", "1001_IEO_HAP_HI", "1015_TIE_SAD_XX", "1089_IEO_NEU_LO", "1002_WSI_FEA_MD"]
    for n in names:
        (root / "VideoFlash" / f"{n}.flv").write_bytes(b"x")
        (root / "AudioWAV" / f"{n}.wav").write_bytes(b"x")
    (root / "VideoFlash" / "README.flv").write_bytes(b"x")  # not a clip name: ignored
    clips = get_dataset("crema-d", root).clips()
    assert [(c.actor, c.emotion, c.level, c.sentence) for c in clips] == [
        ("1001", "angry", 0, "DFA"),
        ("1001", "happy", 3, "IEO"),
        ("1002", "fear", 2, "WSI"),
        ("1015", "sad", 0, "TIE"),
        ("1089", "neutral", 1, "IEO"),
    ]
    assert {c.actor for c in clips if c.split == "test"} == {"1015", "1089"}
    assert clips[0].audio == root / "AudioWAV" / "1001_DFA_ANG_XX.wav"


def test_cremad_empty(tmp_path):
    with pytest.raises(EatbenchError, match="VideoFlash"):
        get_dataset("crema-d", tmp_path).clips()


def test_folder_parses_benchmark_names(tmp_path):
    for n in ("M030_fea_3_006.mp4", "whatever.mkv", "notes.txt"):
        (tmp_path / n).write_bytes(b"x")
    clips = get_dataset("folder", tmp_path).clips()
    assert [(c.actor, c.emotion, c.level, c.sentence) for c in clips] == [
        ("M030", "fear", 3, "006"),
        ("", "", 0, "whatever"),
    ]


def test_unknown_dataset_suggests(tmp_path):
    with pytest.raises(EatbenchError, match="did you mean 'crema-d'"):
        get_dataset("cremad", tmp_path)


def test_demo_without_corpus_says_how_to_make_it(tmp_path):
    with pytest.raises(EatbenchError, match="eatbench data demo"):
        get_dataset("demo", tmp_path)


def test_mead_on_a_demo_corpus_says_which_split_rule_and_why(mead_root, caplog):
    import logging

    (mead_root / "demo.json").write_text(json.dumps({"split": "clip"}))
    with caplog.at_level(logging.WARNING, logger="eatbench.datasets.mead"):
        ds = get_dataset("mead", mead_root)
    assert ds.split_rule == "clip" and "demo.json" in ds.split_reason
    (record,) = caplog.records
    assert "generated demo corpus" in record.getMessage() and "'clip'" in record.getMessage()
    assert "every fourth sentence held out" in record.getMessage() and "--dataset demo" in record.getMessage()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="eatbench.datasets.mead"):
        assert get_dataset("demo", mead_root).split_rule == "clip"  # asked for the demo corpus: nothing to say
    assert not caplog.records


def test_a_split_file_of_another_rule_names_no_option_that_does_not_exist(mead_root):
    get_dataset("mead", mead_root).clips()  # writes the actor split
    with pytest.raises(EatbenchError) as info:
        get_dataset("mead", mead_root, split_rule="clip").clips()
    assert "--split-rule" not in str(info.value) and "delete the file to re-split" in str(info.value)
    with pytest.raises(EatbenchError, match="MEAD split rule 'speaker'") as info:
        get_dataset("mead", mead_root, split_rule="speaker")
    assert "--" not in str(info.value)


def test_dataset_names_come_from_the_registry():
    from eatbench.datasets.base import DATASETS
    from eatbench.datasets.registry import dataset_help, dataset_names

    assert set(dataset_names()) == set(DATASETS.names()) >= {"demo", "mead", "crema-d", "folder"}
    assert dataset_help() == "demo, crema-d, folder or mead"
