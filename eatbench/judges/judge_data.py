"""What the demo judges share: the prepared clips of a split, and the training record each judge carries.

The three demo judges (:mod:`~eatbench.judges.train_sync`, :mod:`~eatbench.judges.train_identity`, the
emotion judge of :mod:`~eatbench.judges.emotion`) train on the prepared benchmark crops of a dataset's
``train`` split and measure themselves on real frames of its held-out split (``test`` for the demo
corpus, whose split is clip-level). Clips come through :func:`~eatbench.preprocess.prepare.prepare_clip`,
so the cache that ``eatbench data prepare`` fills is reused and the judges see exactly the frames the
metrics see.

Every shipped judge file is one safetensors file with two metadata entries:

- ``config``: the constructor arguments (what the judge's loader builds the network from);
- ``training`` (:data:`TRAINING_KEY`): a JSON record of how it was made and how good it is, the keys of
  :func:`training_record` — ``judge``, ``dataset``, ``train_split``, ``held_out_split``, ``train_clips``,
  ``held_out_clips``, ``seed``, ``steps``, ``seconds``, ``dtype``, ``held_out_accuracy`` (a fraction in
  [0, 1]), ``held_out_measure`` (what the accuracy counts) and judge-specific extras. Tables print
  ``held_out_accuracy`` and ``held_out_measure`` under every column that uses the judge
  (:func:`read_training`).

Example:
    >>> evenly_spaced(10, 4)
    array([0, 2, 5, 7])
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from eatbench.clip import Clip
from eatbench.errors import EatbenchError
from eatbench.paths import atomic_path

logger = logging.getLogger(__name__)

TRAINING_KEY = "training"
TRAIN_SPLIT = "train"


def default_judge_path(name: str) -> Path:
    """Where ``eatbench train …-judge`` writes without ``--out``: ``$EATBENCH_WEIGHTS/demo/<registry file>``,
    the folder the weights registry searches first for the demo profile (before the shipped copies)."""
    from eatbench.judges.weights import get_entry
    from eatbench.paths import weights_dir

    return weights_dir() / "demo" / get_entry(name, "demo").filename


def split_clips(dataset: str, root: str | os.PathLike | None, split: str) -> list[Clip]:
    """The clips of one split of a dataset (``get_dataset(dataset, root).clips(split)``).

    Raises:
        EatbenchError: the split holds no clips.
    """
    from eatbench.datasets.registry import get_dataset

    clips = get_dataset(dataset, root).clips(split)
    if not clips:
        raise EatbenchError(f"--dataset {dataset}: the {split!r} split holds no clips (the judges need it)")
    return clips


def held_out_split(dataset: str, root: str | os.PathLike | None) -> str:
    """``val`` when the dataset has one, else ``test`` (the demo corpus has train/test only)."""
    from eatbench.datasets.registry import get_dataset

    adapter = get_dataset(dataset, root)
    return "val" if adapter.clips("val") else "test"


def iter_prepared(
    clips: Sequence[Clip], progress: Callable[[int, int], None] | None = None
) -> Iterator[Any]:  # Iterator[PreparedClip]
    """Prepared clips (from the cache, else computed and cached), one at a time, in order.

    Clips whose input is unusable (:class:`InputError`) are skipped with a warning; the training record
    counts only the clips used.
    """
    from eatbench.preprocess.prepare import iter_prepared as prepare_each

    for clip, prepared, reason in prepare_each(clips, progress):
        if prepared is None:
            logger.warning("skipping %s: %s", clip.clip_id, reason)
            continue
        yield prepared


def evenly_spaced(n: int, k: int) -> np.ndarray:
    """``min(k, n)`` indices spread evenly over ``range(n)`` (the frames a judge takes from a clip)."""
    return np.linspace(0, n, min(k, n), endpoint=False).astype(np.int64)


def training_record(
    judge: str,
    dataset: str,
    held_out: str,
    train_clips: int,
    held_out_clips: int,
    seed: int,
    steps: int,
    seconds: float,
    held_out_accuracy: float,
    held_out_measure: str,
    dtype: str = "float16",
    **extra: Any,
) -> dict[str, Any]:
    """The ``training`` metadata record of a judge file (see the module docstring)."""
    return {
        "judge": judge,
        "dataset": dataset,
        "train_split": TRAIN_SPLIT,
        "held_out_split": held_out,
        "train_clips": int(train_clips),
        "held_out_clips": int(held_out_clips),
        "seed": int(seed),
        "steps": int(steps),
        "seconds": round(float(seconds), 1),
        "dtype": dtype,
        "held_out_accuracy": float(held_out_accuracy),
        "held_out_measure": held_out_measure,
        **extra,
    }


def save_judge(
    state: dict[str, torch.Tensor],
    path: str | os.PathLike,
    config: dict[str, Any],
    training: dict[str, Any] | None = None,
    dtype: torch.dtype = torch.float16,
) -> Path:
    """Write a judge as one safetensors file: floating tensors cast to ``dtype``, ``config`` and
    ``training`` JSON in the metadata; atomically (temp file, then rename). Integer buffers
    (BatchNorm's ``num_batches_tracked``) are kept as they are, so strict loaders accept the file.
    """
    from safetensors.torch import save_file

    out = {k: (v.detach().to(dtype) if v.is_floating_point() else v.detach()).contiguous() for k, v in state.items()}
    metadata = {"format": "pt", "config": json.dumps(config)}
    if training is not None:
        metadata[TRAINING_KEY] = json.dumps(training)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        save_file(out, str(tmp), metadata=metadata)
    path.chmod(0o644)  # the temp file was private; a shipped judge must be readable by every user
    return path


def read_training(path: str | os.PathLike) -> dict[str, Any]:
    """The ``training`` record of a judge file (``{}`` when the file carries none)."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    return json.loads(meta[TRAINING_KEY]) if TRAINING_KEY in meta else {}


def set_training(path: str | os.PathLike, training: dict[str, Any]) -> None:
    """Replace the ``training`` record of a judge file, keeping its tensors and other metadata."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
        state = {k: f.get_tensor(k) for k in f.keys()}
    meta[TRAINING_KEY] = json.dumps(training)
    with atomic_path(Path(path)) as tmp:
        save_file(state, str(tmp), metadata=meta)
    Path(path).chmod(0o644)
