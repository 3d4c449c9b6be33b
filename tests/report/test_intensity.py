"""The intensity figure: EAT-Face's --intensity knob measured with the emotion judge, drawn from its arrays."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.report.intensity import monotone_emotions


def test_monotone_is_judged_on_the_mean_curve_of_each_emotion_and_neutral_is_left_out():
    levels = np.array([0.0, 0.5, 1.0])
    emotions = np.array(["happy", "happy", "sad", "neutral"])
    probability = np.array(
        [
            [0.1, 0.5, 0.9],
            [0.3, 0.2, 0.8],  # falls on its own, but the mean of the two happy clips rises: 0.2, 0.35, 0.85
            [0.6, 0.4, 0.7],  # sad falls between 0 and 0.5
            [0.9, 0.9, 0.9],
        ]
    )
    assert monotone_emotions(levels, emotions, probability) == {"happy": True, "sad": False}
    # a fall below the tolerance (probabilities near 0 differing in the 8th decimal) is flat, not a fall
    tiny = np.array([[3.0e-8, 2.7e-8, 0.5]])
    assert monotone_emotions(levels, np.array(["angry"]), tiny) == {"angry": True}
    assert monotone_emotions(levels, np.array(["angry"]), tiny - [[0, 0.02, 0]]) == {"angry": False}
    # the order of the levels in the file does not matter
    assert monotone_emotions(levels[::-1], emotions, probability[:, ::-1]) == {"happy": True, "sad": False}


@pytest.mark.slow
def test_measured_with_the_shipped_model_intensity_one_is_the_usual_video(tmp_path):
    from eatbench.clip import balanced_subset, identity_clips
    from eatbench.datasets.demo import generate_corpus
    from eatbench.datasets.registry import get_dataset
    from eatbench.errors import InputError
    from eatbench.io import read_video
    from eatbench.methods.base import GenerationInput
    from eatbench.methods.contract import run_method
    from eatbench.methods.registry import resolve_method
    from eatbench.report.intensity import draw_intensity, measure_intensity

    root = generate_corpus(tmp_path / "MEAD", seed=0, actors=["W009"], emotions=["happy", "neutral"], sentences=4)
    npz = measure_intensity("demo", root, tmp_path / "intensity.npz", limit=2, levels=(0.0, 1.0))
    data = np.load(npz)
    assert list(data["emotions"]) == ["happy", "neutral"] and data["probability"].shape == (2, 2)
    p = data["probability"]
    assert np.all((p >= 0) & (p <= 1))
    assert p[0, 1] > p[0, 0] + 0.5 and p[1, 0] == p[1, 1]  # happy rises with s (0.004 -> 0.998); neutral does not move
    stills = data["stills"]  # (clip, level, H, W, 3)
    assert stills.shape[:2] == (2, 2) and not np.array_equal(stills[0, 0], stills[0, 1])  # happy changes with s
    np.testing.assert_array_equal(stills[1, 0], stills[1, 1])  # neutral's condition is the same at every s
    # s = 1 is exactly the trained condition: the video a run without the knob makes
    clips = get_dataset("demo", root).clips("test")
    clip = balanced_subset(clips, 2)[0]
    inp = GenerationInput(clip=clip, identity=identity_clips(clips)[clip.clip_id])
    frames = read_video(run_method(resolve_method("eatface"), inp, clip.emotion, 0, tmp_path / "plain.mkv")).frames
    np.testing.assert_array_equal(frames[len(frames) // 2], stills[0, 1])
    # the mode reaches the pipeline, which checks it before sampling
    with pytest.raises(InputError, match="intensity_mode 'loud'"):
        run_method(resolve_method("eatface", intensity=0.5, intensity_mode="loud"), inp, "happy", 0, tmp_path / "x.mkv")

    drawn = draw_intensity(npz, tmp_path / "intensity")
    assert [p.name for p in drawn.paths] == ["intensity.png", "intensity.pdf"]
    assert drawn.numbers["monotone"] == {"happy": True} and all(path.is_file() for path in drawn.paths)
    assert drawn.summary.endswith("for 1 of 1 emotions (neutral flat by construction)")
