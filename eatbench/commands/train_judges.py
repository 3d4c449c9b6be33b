"""`eatbench train sync-judge|identity-judge|emotion-judge`: train the judges of the ``demo`` profile.

Each command trains on the dataset's ``train`` split (prepared clips, cached), measures the judge on
real frames of the held-out split, and writes one safetensors file (fp16) whose metadata carries the
network config and the ``training`` record (held-out accuracy, data, split, seed, steps, seconds).
Without ``--out`` the file goes where the weights registry looks first for the demo profile,
``$EATBENCH_WEIGHTS/demo/{syncnet,identity,emotion}.safetensors`` (so a retrained judge overrides the
shipped one); the shipped copies are refreshed with ``--out eatbench/judges/demo_weights/<file>``.

The lead registers these functions in ``train.py``:
``app.command("sync-judge")(sync_judge)`` and likewise for the other two.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

_DATASET = typer.Option("demo", "--dataset", help="the dataset whose train split the judge learns from")
_ROOT = typer.Option(None, "--root", help="dataset folder (demo has a default)")
_SEED = typer.Option(0, "--seed", help="training seed (initialisation, data order, augmentation)")
_OUT = typer.Option(None, "--out", help="file to write (default: $EATBENCH_WEIGHTS/demo/<judge>.safetensors)")


def _check_steps(steps: int | None) -> None:
    from eatbench.errors import EatbenchError

    if steps is not None and steps < 1:
        raise EatbenchError(f"--steps {steps}: must be at least 1")


def _run(what: str, train: Callable[[Callable[[str, int, int], None]], tuple[Path, dict[str, Any]]]) -> None:
    """Run ``train(progress)`` under a rich progress bar per phase, then print the training record."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    ) as bar:
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"{what}: {phase}", total=total)
            bar.update(tasks[phase], completed=done, total=total)

        path, record = train(progress)
    typer.echo(
        f"{what}: held-out accuracy {100 * record['held_out_accuracy']:.1f} % "
        f"({record['held_out_measure']}; {record['held_out_clips']} {record['held_out_split']} clips), "
        f"trained {record['steps']} steps in {record['seconds']:.0f} s -> {path}"
    )


def sync_judge(
    dataset: str = _DATASET,
    root: Path | None = _ROOT,
    steps: int | None = typer.Option(None, "--steps", help="optimiser steps (default 400)"),
    seed: int = _SEED,
    out: Path | None = _OUT,
) -> None:
    """Train the demo SyncNet (LSE-D/LSE-C judge) and measure its offset accuracy on held-out clips."""
    _check_steps(steps)
    from eatbench.judges.train_sync import SyncJudgeConfig, train_sync_judge

    config = SyncJudgeConfig(seed=seed, **({"steps": steps} if steps else {}))
    _run("sync judge", lambda progress: train_sync_judge(dataset, root, out, config, progress))


def identity_judge(
    dataset: str = _DATASET,
    root: Path | None = _ROOT,
    steps: int | None = typer.Option(None, "--steps", help="optimiser steps (default 300)"),
    seed: int = _SEED,
    out: Path | None = _OUT,
) -> None:
    """Train the demo identity embedding (CSIM judge) and measure its held-out identification accuracy."""
    _check_steps(steps)
    from eatbench.judges.train_identity import IdentityJudgeConfig, train_identity_judge

    config = IdentityJudgeConfig(seed=seed, **({"steps": steps} if steps else {}))
    _run("identity judge", lambda progress: train_identity_judge(dataset, root, out, config, progress))


def emotion_judge(
    dataset: str = _DATASET,
    root: Path | None = _ROOT,
    steps: int | None = typer.Option(None, "--steps", help="optimiser steps (default 600)"),
    seed: int = _SEED,
    out: Path | None = _OUT,
) -> None:
    """Train the VGG-16-style emotion classifier (Emo-Acc judge) and measure its held-out frame accuracy."""
    _check_steps(steps)
    from eatbench.judges.train_emotion import train_demo_judge

    _run("emotion judge", lambda progress: train_demo_judge(dataset, root, out, steps, seed, progress))
