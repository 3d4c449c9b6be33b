"""One road for training a demo judge: train, save in fp16, reload the saved file, measure it, record.

Each judge (:mod:`~eatbench.judges.train_sync`, :mod:`~eatbench.judges.train_identity`,
:mod:`~eatbench.judges.emotion`) describes only what is its own in a :class:`JudgeRecipe` — how it
learns from the training clips, how its saved file is loaded, how it is measured on real held-out
clips — and :func:`train_judge` runs the steps they share:

1. the splits: the dataset's ``train`` clips and its held-out split (``val``, else ``test``);
2. training (:meth:`JudgeRecipe.fit`), timed;
3. the weights saved in fp16 (:func:`~eatbench.judges.judge_data.save_judge`) and **reloaded from
   that file**, so what is measured is what ships;
4. the held-out measure (:meth:`JudgeRecipe.evaluate`) on the reloaded judge;
5. the ``training`` record (:func:`~eatbench.judges.judge_data.training_record`) written into the
   file's metadata beside the config.

Example:
    >>> from eatbench.judges.train_sync import SyncRecipe, SyncJudgeConfig
    >>> SyncRecipe(SyncJudgeConfig(steps=1)).weights_name
    'syncnet'
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from eatbench.clip import Clip

Progress = Callable[[str, int, int], None]  # progress(phase, done, total); phases load, train, evaluate


@dataclass
class Fitted:
    """What training produced.

    Attributes:
        state: the trained network's state_dict (floating tensors are saved in fp16).
        config: the constructor arguments saved as the file's ``config`` metadata.
        losses: the loss of every optimiser step.
        train_clips: the training clips actually used (the record's ``train_clips``).
        facts: judge-specific record entries known after training (e.g. the number of frames).
    """

    state: dict[str, torch.Tensor]
    config: dict[str, Any]
    losses: list[float]
    train_clips: int
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class Measured:
    """What the held-out measure found on the reloaded judge.

    Attributes:
        accuracy: the record's ``held_out_accuracy`` (a fraction in [0, 1]).
        held_out_clips: the held-out clips measured.
        facts: judge-specific record entries (e.g. the mean LSE-D, the per-class accuracy).
    """

    accuracy: float
    held_out_clips: int
    facts: dict[str, Any] = field(default_factory=dict)


class JudgeRecipe(ABC):
    """What one judge brings to :func:`train_judge`. Subclasses set the class attributes.

    Attributes:
        judge: the record's ``judge`` (``sync``, ``identity``, ``emotion``).
        weights_name: the weights-registry key of the demo file (where the file goes without ``out``).
        measure: what ``held_out_accuracy`` counts (the record's ``held_out_measure``).
        final_loss_steps: the record's ``final_loss`` is the mean loss of this many last steps.
    """

    judge: ClassVar[str]
    weights_name: ClassVar[str]
    measure: ClassVar[str]
    final_loss_steps: ClassVar[int] = 20

    def __init__(self, seed: int, steps: int) -> None:
        self.seed = seed
        self.steps = steps

    @abstractmethod
    def fit(self, train: Sequence[Clip], held: Sequence[Clip], progress: Progress) -> Fitted:
        """Train on the ``train`` clips (``held`` only where training itself reports on them)."""

    @abstractmethod
    def load(self, path: Path) -> Any:
        """The judge from its saved file, as the metric loads it."""

    @abstractmethod
    def evaluate(self, judge: Any, held: Sequence[Clip], progress: Progress) -> Measured:
        """The held-out measure of the reloaded judge on the ``held`` clips."""

    def saved_config(self, fitted: Fitted, measured: Measured) -> dict[str, Any]:
        """The ``config`` metadata of the final file (the fitted config unless the judge also keeps facts there)."""
        return fitted.config

    def settings(self) -> dict[str, Any] | None:
        """The training settings recorded as ``settings`` (None: not recorded)."""
        return None


def train_judge(
    recipe: JudgeRecipe,
    dataset: str = "demo",
    root: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Train a judge on ``dataset``'s training clips, ship it in fp16 and measure the shipped file.

    Args:
        recipe: the judge's own parts.
        dataset: a dataset name (``demo``, ``mead``, ...).
        root: the dataset folder (``demo`` has a default).
        out: the file to write (default ``$EATBENCH_WEIGHTS/demo/<registry file>``).
        progress: called as ``progress(phase, done, total)`` with phase ``load``, ``train`` or ``evaluate``.

    Returns:
        The saved path and its training record.
    """
    from eatbench.judges.judge_data import default_judge_path, held_out_split, save_judge, split_clips, training_record

    out = Path(out) if out is not None else default_judge_path(recipe.weights_name)
    tick = progress or (lambda phase, done, total: None)

    # 1. The splits (an empty split fails here, before any training)
    held_split = held_out_split(dataset, root)
    train_clips = split_clips(dataset, root, "train")
    held_clips = split_clips(dataset, root, held_split)

    # 2. Train
    t0 = time.perf_counter()
    fitted = recipe.fit(train_clips, held_clips, tick)
    seconds = time.perf_counter() - t0

    # 3. Save in fp16 and reload: the measure is taken on the shipped weights
    save_judge(fitted.state, out, fitted.config)
    judge = recipe.load(out)

    # 4. Measure on the held-out split's real clips
    measured = recipe.evaluate(judge, held_clips, tick)

    # 5. Record it in the file
    settings = recipe.settings()
    record = training_record(
        recipe.judge,
        dataset,
        held_split,
        train_clips=fitted.train_clips,
        held_out_clips=measured.held_out_clips,
        seed=recipe.seed,
        steps=recipe.steps,
        seconds=seconds,
        held_out_accuracy=measured.accuracy,
        held_out_measure=recipe.measure,
        **fitted.facts,
        **measured.facts,
        first_loss=fitted.losses[0],
        final_loss=float(np.mean(fitted.losses[-recipe.final_loss_steps :])),
        **({"settings": settings} if settings is not None else {}),
    )
    save_judge(fitted.state, out, recipe.saved_config(fitted, measured), record)
    return out, record
