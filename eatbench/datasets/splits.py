"""Train/test splits that are written to disk the first time and never silently change.

Two rules:

- ``actor`` (default for MEAD and CREMA-D): actor-disjoint. The test actors are the ones the
  emotional talking-face literature uses (MEAD: M003, M030, W009, W015 as in EAT and EDTalk;
  CREMA-D: ten fixed actors); every other actor is ``train``.
- ``clip`` (default for the demo corpus): same actors, different sentences. Sentence ids are sorted
  over the whole dataset and every fourth one (positions 3, 7, 11, …) is ``test``; the rest are
  ``train``. So no test sentence is ever seen in training, for any actor. Sentences listed in
  ``val_sentences`` (the demo corpus's 009 and 010) are ``val`` and left out of that count.

The assignment of every clip (by its path relative to the dataset root) is stored in
``eatbench_splits.json`` beside the data. Clips already in the file keep their split forever; clips
added later are assigned by the file's rule and appended. When the root is read-only, the file goes
to ``$EATBENCH_HOME/splits/<hash of root>.json`` instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from eatbench.errors import EatbenchError
from eatbench.paths import atomic_path, eatbench_home

logger = logging.getLogger(__name__)

SplitRule = Literal["actor", "clip"]
SPLIT_RULES: dict[str, str] = {
    "actor": "actor-disjoint: the test actors are held out",
    "clip": "same actors, every fourth sentence held out",
}
SPLIT_FILE = "eatbench_splits.json"
SPLITS = ("train", "val", "test")

MEAD_TEST_ACTORS = ("M003", "M030", "W009", "W015")
CREMAD_TEST_ACTORS = ("1015", "1020", "1021", "1030", "1033", "1052", "1062", "1081", "1082", "1089")


def _split_file(root: Path) -> Path:
    local = root / SPLIT_FILE
    if local.exists() or os.access(root, os.W_OK):
        return local
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return eatbench_home() / "splits" / f"{digest}.json"


def assign_splits(
    root: Path,
    items: Sequence[tuple[str, str, str]],
    rule: SplitRule,
    test_actors: Sequence[str] = (),
    val_sentences: Sequence[str] = (),
) -> dict[str, str]:
    """Return ``{relative_path: split}`` for ``items`` = (relative_path, actor, sentence).

    ``val_sentences`` (rule ``clip`` only) are assigned ``val``.

    Reads the split file when it exists and keeps its assignments; writes it (atomically) when new
    clips had to be assigned.
    """
    path = _split_file(root)
    stored: dict = {}
    if path.exists():
        try:
            stored = json.loads(path.read_text())
        except json.JSONDecodeError as err:
            raise EatbenchError(
                f"{path}: the split file is corrupt ({err}); delete it to re-create the split"
            ) from None
        if stored.get("rule") != rule:
            raise EatbenchError(
                f"{path}: the stored split uses rule {stored.get('rule')!r}, this dataset asks for {rule!r}; "
                "delete the file to re-split (every clip is then assigned again)"
            )
        test_actors = stored.get("test_actors", test_actors)
        val_sentences = stored.get("val_sentences", val_sentences)
    assignments: dict[str, str] = dict(stored.get("clips", {}))
    new = [it for it in items if it[0] not in assignments]
    if new:
        if rule == "actor":
            for rel, actor, _ in new:
                assignments[rel] = "test" if actor in test_actors else "train"
        else:
            sentences = sorted(({s for _, _, s in items} | set(stored.get("sentences", []))) - set(val_sentences))
            test_sentences = {s for i, s in enumerate(sentences) if i % 4 == 3}
            for rel, _, sentence in new:
                split = "val" if sentence in val_sentences else "test" if sentence in test_sentences else "train"
                assignments[rel] = split
        payload = {
            "rule": rule,
            "test_actors": list(test_actors),
            "val_sentences": list(val_sentences),
            "sentences": sorted({s for _, _, s in items} | set(stored.get("sentences", []))),
            "clips": dict(sorted(assignments.items())),
        }
        try:
            with atomic_path(path) as tmp:
                tmp.write_text(json.dumps(payload, indent=1))
        except OSError as err:
            logger.warning("could not write the split file %s (%s); the split is kept in memory", path, err)
        if stored:
            logger.info("%d new clips assigned to splits in %s", len(new), path)
    return assignments
