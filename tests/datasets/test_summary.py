"""eatbench.datasets.summary against counts made by hand."""

from __future__ import annotations

from pathlib import Path

from eatbench.clip import Clip
from eatbench.datasets.summary import summarize


def test_counts_per_split_actor_emotion_and_level():
    clips = [
        Clip("M003", "angry", 2, "001", "front", "train", Path("a")),
        Clip("M003", "neutral", 1, "001", "front", "train", Path("b")),
        Clip("W009", "angry", 2, "001", "front", "test", Path("c")),
    ]
    s = summarize("mead", "/data/MEAD", clips)
    assert s["clips"] == 3 and s["root"] == "/data/MEAD"
    assert s["per_split"] == {"test": 1, "train": 2}
    assert s["per_actor"] == {"M003": 2, "W009": 1}
    assert s["per_emotion"] == {"angry": 2, "neutral": 1}
    assert s["per_level"] == {"1": 1, "2": 2}
    assert s["per_actor_split"] == {"M003/train": 2, "W009/test": 1}
    assert s["cross"]["actor"] == {"M003": {"test": 0, "train": 2}, "W009": {"test": 1, "train": 0}}
    assert s["cross"]["level"] == {"1": {"test": 0, "train": 1}, "2": {"test": 1, "train": 1}}
