"""CREMA-D: ``VideoFlash/*.flv`` with ``AudioWAV/*.wav``, names ``{actor}_{sentence}_{EMO}_{level}``.

Emotion codes map to MEAD words (ANG angry, DIS disgusted, FEA fear, HAP happy, NEU neutral,
SAD sad); levels LO, MD, HI become 1, 2, 3 and the unspecified XX becomes 0. Split: actor-disjoint,
test actors 1015, 1020, 1021, 1030, 1033, 1052, 1062, 1081, 1082, 1089. Order: sorted by actor,
emotion, level, sentence. The .flv files are 30 fps; preprocessing resamples to 25 fps.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from eatbench.clip import Clip
from eatbench.datasets.base import DATASETS, DatasetAdapter
from eatbench.datasets.splits import CREMAD_TEST_ACTORS, SplitRule, assign_splits
from eatbench.errors import EatbenchError

EMOTION_CODES = {"ANG": "angry", "DIS": "disgusted", "FEA": "fear", "HAP": "happy", "NEU": "neutral", "SAD": "sad"}
LEVEL_CODES = {"XX": 0, "LO": 1, "MD": 2, "HI": 3}
SENTENCES = ("IEO", "TIE", "IOM", "IWW", "TAI", "MTI", "IWL", "ITH", "DFA", "ITS", "TSI", "WSI")
NAME = re.compile(r"^(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})$")


@DATASETS.register("crema-d")
class CremaD(DatasetAdapter):
    """The CREMA-D adapter.

    Args:
        root: the folder holding ``VideoFlash/`` and ``AudioWAV/``.
        split_rule: ``actor`` (default) or ``clip``.
    """

    name: ClassVar[str] = "crema-d"
    emotions: ClassVar[tuple[str, ...]] = tuple(sorted(EMOTION_CODES.values()))

    def __init__(self, root: str | Path, split_rule: SplitRule = "actor") -> None:
        super().__init__(root)
        self.split_rule = split_rule

    def clips(self, split: str | None = None) -> list[Clip]:
        video_dir = self.root / "VideoFlash"
        videos = sorted(video_dir.glob("*.flv")) if video_dir.is_dir() else []
        parsed = []
        for v in videos:
            m = NAME.match(v.stem)
            if m and m.group(3) in EMOTION_CODES and m.group(4) in LEVEL_CODES:
                parsed.append((m.group(1), EMOTION_CODES[m.group(3)], LEVEL_CODES[m.group(4)], m.group(2), v))
        if not parsed:
            raise EatbenchError(
                f"--dataset crema-d: no clips under {self.root} (looked for VideoFlash/{{actor}}_{{sentence}}_{{EMO}}_{{level}}.flv). "
                "Point --root at the CREMA-D folder that holds VideoFlash/ and AudioWAV/"
            )
        rels = [(str(v.relative_to(self.root)), a, s) for a, _, _, s, v in parsed]
        splits = assign_splits(self.root, rels, self.split_rule, CREMAD_TEST_ACTORS)
        out = []
        for (actor, emotion, level, sentence, video), (rel, _, _) in zip(parsed, rels, strict=True):
            audio = self.root / "AudioWAV" / f"{video.stem}.wav"
            out.append(
                Clip(
                    actor,
                    emotion,
                    level,
                    sentence,
                    "front",
                    splits[rel],
                    video,
                    audio if audio.is_file() else None,
                    "crema-d",
                )
            )
        out.sort()
        return [c for c in out if split is None or c.split == split]
