"""balanced_subset: what `--limit N` runs on."""

from collections import Counter
from pathlib import Path

from eatbench.clip import EMOTIONS, Clip, balanced_subset

ACTORS = ("M003", "M030", "W009", "W015", "M005", "W011", "M007", "W014")


def grid(actors=ACTORS, emotions=EMOTIONS, sentences=("004", "008")) -> list[Clip]:
    return sorted(
        Clip(a, e, 1 if e == "neutral" else 3, s, "front", "test", Path(f"{a}_{e}_{s}.mp4"))
        for a in actors
        for e in emotions
        for s in sentences
    )


def test_full_grid_prefix_is_one_per_actor_and_emotion():
    clips = grid()
    first8 = balanced_subset(clips, 8)
    assert sorted(c.emotion for c in first8) == sorted(EMOTIONS)
    assert sorted(c.actor for c in first8) == sorted(ACTORS)
    first16 = balanced_subset(clips, 16)
    assert set(Counter(c.emotion for c in first16).values()) == {2}
    assert set(Counter(c.actor for c in first16).values()) == {2}
    assert first16[:8] == first8  # a larger limit extends a smaller one


def test_every_clip_once_and_deterministic():
    clips = grid()
    everything = balanced_subset(clips, None)
    assert sorted(everything) == clips and len(set(everything)) == len(clips)
    assert balanced_subset(list(reversed(clips)), 24) == balanced_subset(clips, 24)
    assert balanced_subset(clips, 10_000) == everything


def test_ragged_groups_still_fill_the_limit():
    # One actor lacks two emotions, another has three sentences: the subset is still n distinct clips.
    clips = [c for c in grid() if not (c.actor == "W009" and c.emotion in ("fear", "sad"))]
    clips += grid(actors=("M003",), sentences=("012",))
    clips.sort()
    sub = balanced_subset(clips, 30)
    assert len(sub) == len(set(sub)) == 30
    counts = Counter(c.emotion for c in sub)
    assert max(counts.values()) - min(counts.values()) <= 1
