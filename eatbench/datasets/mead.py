"""MEAD, in the extracted layout of its per-actor ``video.tar`` and ``audio.tar`` archives.

Layout (shared/reference/baselines-and-datasets.md §4.1)::

    {actor}/video/{view}/{emotion}/level_{n}/{NNN}.mp4
    {actor}/audio/{emotion}/level_{n}/{NNN}.m4a

Defaults follow the paper: the ``front`` view and intensity ``level_2``; neutral has only
``level_1``, so neutral clips are taken from there. Order: sorted by actor, emotion, level, sentence.
The generated demo corpus is written in this layout and read by this adapter unchanged.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import ClassVar

from eatbench.clip import EMOTIONS, Clip
from eatbench.datasets.base import DATASETS, DatasetAdapter
from eatbench.datasets.splits import MEAD_TEST_ACTORS, SPLIT_RULES, SplitRule, assign_splits
from eatbench.errors import EatbenchError
from eatbench.registry import did_you_mean

logger = logging.getLogger(__name__)

VIEWS = ("down", "front", "left_30", "left_60", "right_30", "right_60", "top")
DEMO_MANIFEST = "demo.json"


@DATASETS.register("mead")
class MEAD(DatasetAdapter):
    """The MEAD adapter.

    Args:
        root: the folder holding the actor folders (``M003/``, ``W009/``...).
        view: camera view (default ``front``).
        level: intensity level 1-3, or 0 for all levels (default 2; neutral always uses level 1).
        split_rule: ``actor`` (default; test actors M003, M030, W009, W015) or ``clip``. A corpus
            written by ``eatbench data demo`` defaults to the rule its manifest names (``clip``), and a
            warning says so when it is read as ``mead``; ``split_reason`` says why the rule was chosen.

    Example:
        >>> MEAD("/data/MEAD").clips("test")  # doctest: +SKIP
    """

    name: ClassVar[str] = "mead"
    emotions: ClassVar[tuple[str, ...]] = EMOTIONS

    def __init__(
        self, root: str | Path, view: str = "front", level: int = 2, split_rule: SplitRule | None = None
    ) -> None:
        super().__init__(root)
        if view not in VIEWS:
            raise EatbenchError(f"MEAD view {view!r}: not a MEAD view{did_you_mean(view, list(VIEWS))}")
        if level not in (0, 1, 2, 3):
            raise EatbenchError(f"MEAD level {level}: MEAD levels are 1, 2, 3 (or 0 for all)")
        self.view = view
        self.level = level
        manifest = self.root / DEMO_MANIFEST
        self.is_demo = manifest.is_file()
        if split_rule is None and self.is_demo:
            split_rule = json.loads(manifest.read_text()).get("split", "clip")
            self.split_reason = f"the rule {DEMO_MANIFEST} of the generated demo corpus names"
            if self.name == "mead":  # asked for MEAD, given the demo corpus: say whose split this is
                logger.warning(
                    "--dataset mead --root %s: this folder holds the generated demo corpus (%s), so its split "
                    "rule %r is used (%s), not MEAD's actor split; --dataset demo reads it as the demo corpus",
                    self.root,
                    DEMO_MANIFEST,
                    split_rule,
                    SPLIT_RULES.get(split_rule, split_rule),
                )
        elif split_rule is None:
            split_rule, self.split_reason = "actor", "MEAD's default (the literature's test actors)"
        else:
            self.split_reason = "asked for"
        if split_rule not in SPLIT_RULES:
            raise EatbenchError(f"MEAD split rule {split_rule!r}: use 'actor' or 'clip'")
        self.split_rule: SplitRule = split_rule
        # The demo corpus names its validation sentences (eatbench.datasets.demo.corpus.VAL_SENTENCES).
        self.val_sentences = json.loads(manifest.read_text()).get("val_sentences", []) if self.is_demo else []

    def _pattern(self) -> str:
        lvl = "*" if self.level == 0 else f"{self.level}"
        return f"*/video/{self.view}/*/level_{lvl}/*.mp4 (neutral: level_1)"

    def clips(self, split: str | None = None) -> list[Clip]:
        if not self.root.is_dir():
            raise EatbenchError(
                f"--root {self.root}: no such folder. Point --root at the folder that holds the MEAD actor folders"
            )
        found: list[tuple[str, str, int, str, Path]] = []
        for actor_dir in sorted(p for p in self.root.iterdir() if (p / "video").is_dir()):
            view_dir = actor_dir / "video" / self.view
            for emo_dir in sorted(view_dir.glob("*")):
                emotion = emo_dir.name
                if emotion not in EMOTIONS:
                    continue
                levels = (1,) if emotion == "neutral" else ((1, 2, 3) if self.level == 0 else (self.level,))
                for lv in levels:
                    for video in sorted((emo_dir / f"level_{lv}").glob("*.mp4")):
                        found.append((actor_dir.name, emotion, lv, video.stem, video))
        if not found:
            raise EatbenchError(
                f"--dataset mead: no clips under {self.root} (looked for {self._pattern()}). "
                "Point --root at the folder that holds the actor folders"
            )
        rels = [(str(v.relative_to(self.root)), a, s) for a, _, _, s, v in found]
        splits = assign_splits(self.root, rels, self.split_rule, MEAD_TEST_ACTORS, self.val_sentences)
        out = []
        for (actor, emotion, lv, sentence, video), (rel, _, _) in zip(found, rels, strict=True):
            audio = self.root / actor / "audio" / emotion / f"level_{lv}" / f"{sentence}.m4a"
            out.append(
                Clip(
                    actor=actor,
                    emotion=emotion,
                    level=lv,
                    sentence=sentence,
                    view=self.view,
                    split=splits[rel],
                    video=video,
                    audio=audio if audio.is_file() else None,
                    dataset="demo" if self.is_demo else "mead",
                )
            )
        out.sort()
        if split is not None:
            out = [c for c in out if c.split == split]
        return out


@DATASETS.register("demo")
class DemoCorpus(MEAD):
    """The generated demo corpus (``eatbench data demo``), in MEAD's layout, read by the MEAD adapter.

    Its default root is ``$EATBENCH_HOME/demo/MEAD``; its split is the one its manifest names.
    """

    name: ClassVar[str] = "demo"

    def __init__(self, root: str | Path, **options) -> None:
        if not (Path(root).expanduser() / DEMO_MANIFEST).is_file():
            raise EatbenchError(
                f"--dataset demo: no demo corpus at {root}; create it with `eatbench data demo --root {root}`"
            )
        super().__init__(root, **options)

    @classmethod
    def default_root(cls) -> Path | None:
        from eatbench.paths import demo_root

        return demo_root()
