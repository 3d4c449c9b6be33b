"""A small slice of the demo corpus's held-out clips, rendered and prepared inside the test home.

The clips are re-rendered with the corpus's own writer (seed 0), so they are the very files of the
default corpus (every clip is a pure function of (seed, actor, emotion, sentence)); sentences 004 and
008 are in the demo test split, never seen by the shipped judges in training. Cached per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from eatbench.clip import EMOTIONS, Clip

ACTORS = ("M003", "M005", "M007", "M030", "W009", "W011", "W014", "W015")  # the default corpus's actors
TEST_SENTENCES = (4, 8)  # in the demo test split


@lru_cache(maxsize=32)
def _prepared(root: str, actor: str, emotion: str, sentence: int):
    from eatbench.datasets.demo.corpus import _write_clip, audio_path, level_of, video_path
    from eatbench.preprocess.prepare import prepare_clip

    _write_clip((root, 0, actor, emotion, sentence))
    clip = Clip(actor, emotion, level_of(emotion), f"{sentence:03d}", "front", "test",
                video_path(Path(root), actor, emotion, sentence), audio_path(Path(root), actor, emotion, sentence),
                dataset="demo")  # fmt: skip
    return prepare_clip(clip)


def held_out_clips(root: Path, pairs: list[tuple[str, str, int]]) -> list:
    """Prepared clips for ``(actor, emotion, sentence)`` triples (sentences from :data:`TEST_SENTENCES`)."""
    return [_prepared(str(root), a, e, s) for a, e, s in pairs]


def one_per_actor(n: int = 8) -> list[tuple[str, str, int]]:
    """The first ``n`` actors, each with a different emotion, sentence 004."""
    return [(a, EMOTIONS[i], 4) for i, a in enumerate(ACTORS[:n])]
