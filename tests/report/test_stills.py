"""Emotion stills from the shipped tiny EAT-Face: one reference, eight emotions, one figure."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.datasets.demo import generate_corpus
from eatbench.errors import EatbenchError

pytestmark = pytest.mark.slow


def test_stills_show_every_emotion_from_one_clip(tmp_path, monkeypatch):
    from PIL import Image

    from eatbench.report.stills import emotion_stills

    root = generate_corpus(tmp_path / "MEAD", seed=0, actors=["W009"], emotions=["sad", "happy"], sentences=4)
    r = emotion_stills("demo", root, tmp_path / "stills")
    png = tmp_path / "stills.png"
    assert r["paths"] == [png, tmp_path / "stills.pdf"] and r["clip"].startswith("W009_happy")
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[1] > 4 * image.shape[0]  # one row: the reference and eight stills
    # same reference, audio and seed: only the emotion text differs, and every one changes the frame
    stills = np.stack(r["stills"])
    assert stills.shape[0] == 8 and all(not np.array_equal(stills[i], stills[0]) for i in range(1, 8))

    with pytest.raises(EatbenchError, match="has no emotion control"):
        emotion_stills("demo", root, tmp_path / "x", method="static-frame")
    monkeypatch.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", tmp_path / "none")
    with pytest.raises(EatbenchError, match="cannot run here: EAT-Face"):
        emotion_stills("demo", root, tmp_path / "y")
