"""A plain folder of videos, for scoring the outputs of other tools.

Every ``*.mp4``, ``*.mkv``, ``*.avi``, ``*.mov`` or ``*.flv`` file directly in the folder is a clip of
split ``test``, in name order. Names in the benchmark's convention ``{actor}_{emo3}_{level}_{NNN}``
(e.g. ``M030_fea_3_006``, as EAT names its outputs) are parsed into actor, emotion, level and
sentence; any other name becomes a clip with the file stem as sentence and no emotion label.
"""

from __future__ import annotations

import re
from typing import ClassVar

from eatbench.clip import EMOTIONS, Clip
from eatbench.datasets.base import DATASETS, DatasetAdapter
from eatbench.errors import EatbenchError

VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi", ".mov", ".flv")
EMO3 = {e[:3]: e for e in EMOTIONS}
NAME = re.compile(r"^([A-Za-z]*\d+)_([a-z]{3})_(\d)_(\w+)$")


@DATASETS.register("folder")
class VideoFolder(DatasetAdapter):
    """Any folder of videos."""

    name: ClassVar[str] = "folder"
    emotions: ClassVar[tuple[str, ...]] = EMOTIONS

    def clips(self, split: str | None = None) -> list[Clip]:
        if not self.root.is_dir():
            raise EatbenchError(f"--root {self.root}: no such folder")
        videos = sorted(p for p in self.root.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES and p.is_file())
        if not videos:
            raise EatbenchError(
                f"--dataset folder: no videos in {self.root} (looked for *{', *'.join(VIDEO_SUFFIXES)})"
            )
        out = []
        for v in videos:
            m = NAME.match(v.stem)
            if m and m.group(2) in EMO3:
                out.append(
                    Clip(m.group(1), EMO3[m.group(2)], int(m.group(3)), m.group(4), "front", "test", v, None, "folder")
                )
            else:
                out.append(Clip("", "", 0, v.stem, "", "test", v, None, "folder"))
        return [c for c in out if split is None or c.split == split]
