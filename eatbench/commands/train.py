"""`eatbench train`: the EAT-Face training stages and the demo judges.

``eatbench train {vae,tfr,eve,controlnet,finetune,all} --preset P --dataset D [--root DIR]
[--steps N] [--out DIR] [--variant V] [--seed S] [--init-from RUN]``. The dataset's training split is prepared
(cached), resized to the preset's resolution and stored as ``<out>/corpus.safetensors``; the stage
then trains on HF Accelerate and saves a pipeline folder in ``<out>`` that ``--weights`` accepts.
For several GPUs or processes run the same stage through ``accelerate launch -m eatface.training
--corpus <out>/corpus.safetensors ...``.

An ablation variant can start from a finished run of the same preset (``--init-from RUN``): it copies
the VAE, the frozen towers and the TFR-stage UNet + F_a and trains only its own stages (see
:mod:`eatface.training.initialise`), e.g.
``eatbench train all --variant w/o-EVE --init-from ~/.cache/eatbench/eatface/tiny``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="Train EAT-Face stages (and the demo judges).", no_args_is_help=True)

STAGE_HELP = {
    "vae": "the small VAE of the tiny preset (the paper preset uses a pretrained one)",
    "tfr": "the Talking Face Reconstructor: UNet + audio encoder F_a (Eq. 5)",
    "eve": "the EVE adapters A_v, A_e (Eqs. 6-10)",
    "controlnet": "the Emotion ControlNet, everything else frozen (Eq. 11)",
    "finetune": "the UNet fine-tuned through the ControlNet (Eq. 11)",
    "interpolator": "the frame interpolator of the smoothing step (Sec. III-E), on real frame triplets",
    "all": "every stage of the variant, in order (finished stages are skipped)",
}


def _train(*args: Any) -> None:
    """Run :func:`_run` (same arguments), turning eatface's errors into one-line CLI errors."""
    from eatbench.errors import EatbenchError
    from eatface.errors import EATFaceError

    try:
        _run(*args)
    except EATFaceError as err:
        raise EatbenchError(str(err)) from None


def _run(
    stage: str,
    preset: str,
    dataset: str,
    root: Path | None,
    steps: int | None,
    out: Path | None,
    variant: str,
    seed: int | None,
    resume: bool,
    init_from: Path | None = None,
) -> None:
    from rich.progress import Progress

    from eatbench.errors import EatbenchError
    from eatbench.methods.eatface import weights_slug
    from eatbench.paths import eatbench_home, ensure_folder
    from eatbench.training_corpus import training_corpus
    from eatface.configuration import get_preset
    from eatface.training import initialise_from, stages_for, train_stage

    if steps is not None and steps < 1:
        raise EatbenchError(f"--steps {steps}: must be at least 1")
    config = get_preset(preset, ablation=variant)
    if seed is not None:
        config = config.replace(seed=seed)
    out = ensure_folder(out or eatbench_home() / "eatface" / weights_slug(config.name, config.ablation), "--out")
    source = init_from.expanduser() if init_from is not None else None

    # 1. The training corpus: the dataset's train split, prepared (cached) and resized
    with Progress() as bar:
        task = bar.add_task("preparing clips", total=None)
        built = training_corpus(
            dataset, root, config.resolution, out, source, progress=lambda i, n: bar.update(task, completed=i, total=n)
        )
    for clip_id, reason in built.skipped:
        typer.echo(f"skipped {clip_id}: {reason}", err=True)
    corpus = built.corpus
    typer.echo(f"corpus: {corpus.num_clips} clips, {corpus.num_frames} frames at {corpus.resolution}px -> {out}")

    # 2. The stages (after copying the shared ones from --init-from)
    if source is not None:
        record = initialise_from(config, out, source)
        what = ", ".join(record["copied_stages"]) or "the TFR weights (trained again with the emotion token)"
        typer.echo(f"initialised from {record['run']}: {what}")
    for name in stages_for(config) if stage == "all" else [stage]:
        result = train_stage(name, config, corpus, out, steps=steps, seed=seed, resume=resume)
        losses = f", loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}" if result.losses else " (already done)"
        typer.echo(f"{name}: {result.steps} steps{losses}")
    typer.echo(f"saved {out} (use it with --weights {out})")


def _register(stage: str) -> None:
    def command(
        preset: str = typer.Option("tiny", "--preset", help="paper | tiny"),
        dataset: str = typer.Option("demo", "--dataset", help="demo, mead, crema-d or folder"),
        root: Path | None = typer.Option(None, "--root", help="dataset folder (demo has a default)"),
        steps: int | None = typer.Option(None, "--steps", help="steps per stage (default: the preset's)"),
        out: Path | None = typer.Option(None, "--out", help="run folder (default $EATBENCH_HOME/eatface/<preset>)"),
        variant: str = typer.Option("full", "--variant", help="full, w/o-EVE, w/o-FEC or w/o-Emo"),
        seed: int | None = typer.Option(None, "--seed", help="training seed (default: the preset's)"),
        resume: bool = typer.Option(True, "--resume/--no-resume", help="continue from the last checkpoint"),
        init_from: Path | None = typer.Option(
            None, "--init-from", help="a finished run (same preset) whose VAE and TFR this variant starts from"
        ),
    ) -> None:
        _train(stage, preset, dataset, root, steps, out, variant, seed, resume, init_from)

    command.__doc__ = f"Train {STAGE_HELP[stage]}."
    app.command(stage)(command)


for _stage in STAGE_HELP:
    _register(_stage)

# The demo judges (eatbench.judges.train_sync / train_identity / emotion), trained on a dataset's train split.
from eatbench.commands.train_judges import emotion_judge, identity_judge, sync_judge  # noqa: E402  (typer only)

app.command("sync-judge")(sync_judge)
app.command("identity-judge")(identity_judge)
app.command("emotion-judge")(emotion_judge)
