"""How a dataset's clips spread over splits, actors, emotions and levels (what `eatbench data info` prints).

Example:
    >>> from eatbench.clip import Clip
    >>> summarize("x", "/data", [])["clips"]
    0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eatbench.clip import Clip

# The clip attributes counted per split, and the summary key of each.
FACETS: dict[str, str] = {"actor": "per_actor", "emotion": "per_emotion", "level": "per_level"}


def summarize(dataset: str, root: str | Path, clips: Sequence[Clip]) -> dict[str, Any]:
    """Clip counts per split, actor, emotion, level and actor/split, as a JSON-able dict.

    Args:
        dataset: the dataset's name.
        root: the folder its clips were found in.
        clips: the clips.

    Returns:
        ``dataset``, ``root``, ``clips`` (the total), ``per_split``, ``per_actor``, ``per_emotion``,
        ``per_level`` (keys as strings), ``per_actor_split`` (``"M003/test"``), ``cross`` (for each
        facet, ``{value: {split: count}}``, every split present in each row, zeros included).
    """
    per_split = dict(sorted(Counter(c.split for c in clips).items()))
    summary: dict[str, Any] = {
        "dataset": dataset,
        "root": str(root),
        "clips": len(clips),
        "per_split": per_split,
        "per_actor": dict(sorted(Counter(c.actor for c in clips).items())),
        "per_emotion": dict(sorted(Counter(c.emotion for c in clips).items())),
        "per_level": {str(k): v for k, v in sorted(Counter(c.level for c in clips).items())},
        "per_actor_split": dict(sorted(Counter(f"{c.actor}/{c.split}" for c in clips).items())),
    }
    cross: dict[str, dict[str, dict[str, int]]] = {}
    for attr, key in FACETS.items():
        counts = Counter((str(getattr(c, attr)), c.split) for c in clips)
        cross[attr] = {value: {s: counts[(value, s)] for s in per_split} for value in summary[key]}
    summary["cross"] = cross
    return summary
