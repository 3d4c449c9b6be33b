"""The EAT-Face training corpus of a benchmark dataset: prepared once, keyed, cached in the run folder.

``eatface`` trains on a :class:`eatface.data.TrainingCorpus` and knows nothing about datasets; this
module is the glue on the benchmark's side. It takes a dataset's ``train`` split, prepares every clip
(MediaPipe crops, cached under ``$EATBENCH_HOME/prep``), resizes it to the preset's resolution and
stores the result as ``<run>/corpus.safetensors`` beside ``<run>/corpus.key``: the sha256 of the sorted
clip ids and the resolution. A later run with the same key reads the file instead of preparing again,
and an ablation variant started ``--init-from`` a finished run reads that run's corpus when the keys
match.

Example:
    >>> len(corpus_key([], 64))
    64
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from eatbench.errors import EatbenchError
from eatbench.paths import atomic_path, atomic_write_text

if TYPE_CHECKING:
    from eatbench.clip import Clip
    from eatface.data import TrainingCorpus

logger = logging.getLogger(__name__)

CORPUS_FILE = "corpus.safetensors"
KEY_FILE = "corpus.key"


def corpus_key(clips: Sequence[Clip], resolution: int) -> str:
    """The identity of a training corpus: sha256 of the sorted clip ids and the resolution."""
    text = "\n".join(sorted(c.clip_id for c in clips)) + f"\n{resolution}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class CorpusBuild:
    """What :func:`training_corpus` returns.

    Attributes:
        corpus: the training corpus.
        path: the safetensors file it was read from or written to.
        reused: True when a stored corpus with the same key was read (nothing was prepared).
        skipped: ``(clip id, one-line reason)`` for every clip whose input was refused.
    """

    corpus: TrainingCorpus
    path: Path
    reused: bool
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _stored(folder: Path, key: str) -> Path | None:
    path, key_path = folder / CORPUS_FILE, folder / KEY_FILE
    if path.is_file() and key_path.is_file() and key_path.read_text() == key:
        return path
    return None


def training_corpus(
    dataset: str,
    root: str | Path | None,
    resolution: int,
    out: Path,
    init_from: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CorpusBuild:
    """The training corpus of ``dataset``'s train split at ``resolution``, from the cache when it holds it.

    Args:
        dataset: a dataset name (``demo``, ``mead``, ``crema-d``, ``folder``).
        root: the dataset folder (None: the dataset's default).
        resolution: the preset's frame side in pixels.
        out: the run folder; the corpus and its key are stored there.
        init_from: a finished run folder; its corpus is read when its key matches (no copy is made).
        progress: called as ``progress(done, total)`` while clips are prepared.

    Raises:
        EatbenchError: the train split holds no clip, or every clip was refused.
    """
    from eatbench.datasets.registry import get_dataset
    from eatbench.preprocess.prepare import iter_prepared
    from eatface.data import TrainingCorpus

    # 1. The clips and their key
    clips = get_dataset(dataset, root).clips("train")
    if not clips:
        raise EatbenchError(f"--dataset {dataset}: no clips in the train split")
    key = corpus_key(clips, resolution)

    # 2. A stored corpus with the same key: this run's, else the --init-from run's
    for folder in (out, *([init_from] if init_from is not None else [])):
        if (path := _stored(folder, key)) is not None:
            logger.info("training corpus %s reused (key %s)", path, key[:12])
            return CorpusBuild(TrainingCorpus.load(path), path, reused=True)

    # 3. Prepare and resize, streamed: one clip's frames in memory at a time
    skipped: list[tuple[str, str]] = []

    def prepared_clips():
        for clip, prepared, reason in iter_prepared(clips, progress=progress):
            if prepared is None:
                skipped.append((clip.clip_id, reason or ""))
            else:
                yield prepared

    from eatface.errors import EATFaceError

    try:
        corpus = TrainingCorpus.from_prepared(prepared_clips(), resolution)
    except EATFaceError:
        if not skipped:
            raise
        raise EatbenchError(
            f"--dataset {dataset}: all {len(skipped)} clips of the train split were refused "
            f"(first: {skipped[0][0]}: {skipped[0][1]})"
        ) from None

    # 4. Store it, the key last: a key on disk always describes a complete corpus file
    path = out / CORPUS_FILE
    with atomic_path(path) as tmp:
        corpus.save(tmp)
    atomic_write_text(out / KEY_FILE, key)
    return CorpusBuild(corpus, path, reused=False, skipped=skipped)
