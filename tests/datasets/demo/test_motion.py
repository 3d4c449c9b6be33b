"""Mouth, blink and head-motion tracks of the demo corpus."""

from __future__ import annotations

import numpy as np

from eatbench.datasets.demo.motion import blink_track, frame_energy, mouth_track, pose_track, viseme
from eatbench.datasets.demo.speech import Prosody, synthesize


def test_visemes_follow_phoneme_classes():
    assert viseme("p")[0] == viseme("b")[0] == viseme("m")[0] == 0.0  # lips closed
    assert viseme("'aI")[0] > 0.8  # open vowel, stress mark ignored
    assert viseme("u:")[2] > 0.8 and viseme("w")[2] > 0.8  # rounded
    assert viseme("i:")[1] > 1.0  # spread
    assert viseme("_:") == viseme("_") == (0.0, 1.0, 0.0)  # pauses close the mouth
    assert viseme("@2")[0] < viseme("A:")[0]


def test_mouth_follows_phoneme_timing_and_energy():
    u = synthesize("Papa may bob a mop by a bay.", "en-us", Prosody(rate=140))
    n = round(u.audio.duration * 25)
    track = mouth_track(u.phonemes, u.audio, n)
    opening = np.array([m.open for m in track])
    assert len(track) == n
    # Closed in the leading silence, open during speech.
    assert opening[:2].max() < 0.1
    assert opening.max() > 0.5
    # Correlates with the speech energy of each frame.
    assert np.corrcoef(opening, frame_energy(u.audio, n))[0, 1] > 0.6
    # Frames centred on a bilabial closure are less open than frames on open vowels.
    t = (np.arange(n) + 0.5) / 25 + 0.03

    def mean_open(names):
        spans = [(p.start, p.end) for p in u.phonemes if p.name.lstrip("',") in names]
        sel = [i for i in range(n) if any(a <= t[i] < b for a, b in spans)]
        return opening[sel].mean()

    assert mean_open({"p", "b", "m"}) < 0.7 * mean_open({"a", "A:", "eI", "aI", "0", "A"})


def test_blinks_and_pose_are_seeded_and_bounded():
    a, b = blink_track(250, np.random.default_rng(3)), blink_track(250, np.random.default_rng(3))
    assert np.array_equal(a, b)
    assert a.min() >= 0 and a.max() == 1.0  # 10 s: at least one full blink
    assert 1 <= int(np.sum(np.diff((a >= 1.0).astype(int)) == 1) + (a[0] >= 1)) <= 10
    poses = pose_track(100, np.random.default_rng(3))
    dx = np.array([p.dx for p in poses])
    roll = np.array([p.roll for p in poses])
    assert 0.1 < np.abs(dx).max() < 5 and np.abs(roll).max() < 4
    assert np.abs(np.diff(dx)).max() < 1.0  # smooth: under a pixel per frame
    assert pose_track(100, np.random.default_rng(3)) == poses
