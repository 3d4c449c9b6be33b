"""`eatbench data`: generate the demo corpus, inspect a dataset, preprocess its clips."""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

app = typer.Typer(help="Datasets: generate the demo corpus, inspect a dataset, preprocess clips.", no_args_is_help=True)

DATASET_HELP = "mead, crema-d, folder, or demo (the generated corpus)"


def _progress():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        transient=False,
    )


@app.command("demo")
def demo(
    root: Path | None = typer.Option(None, help="Where to write the corpus (default $EATBENCH_HOME/demo/MEAD)."),
    seed: int = typer.Option(0, help="Random seed; the same seed gives byte-identical frames and audio."),
    actors: str | None = typer.Option(None, help="Comma-separated actor ids (default the eight demo actors)."),
    emotions: str | None = typer.Option(None, help="Comma-separated MEAD emotion words (default all eight)."),
    sentences: int | None = typer.Option(None, help="Sentences per actor and emotion (default 8)."),
) -> None:
    """Write the deterministic synthetic talking-face corpus in MEAD's on-disk layout."""
    from eatbench.datasets.demo import generate_corpus
    from eatbench.paths import demo_root

    root = root or demo_root()
    listed = lambda text: None if text is None else [v.strip() for v in text.split(",")]  # noqa: E731
    t0 = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task("demo corpus", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        generate_corpus(
            root, seed=seed, actors=listed(actors), emotions=listed(emotions), sentences=sentences, progress=report
        )
    typer.echo(f"demo corpus at {root} ({time.perf_counter() - t0:.1f} s)")


@app.command("info")
def info(
    dataset: str = typer.Option("demo", "--dataset", "-d", help=DATASET_HELP),
    root: Path | None = typer.Option(None, help="Dataset folder (not needed for demo)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Count clips per actor, emotion, level and split."""
    from eatbench.datasets.registry import get_dataset
    from eatbench.datasets.summary import summarize

    adapter = get_dataset(dataset, root)
    summary = summarize(dataset, adapter.root, adapter.clips())
    if as_json:
        typer.echo(json.dumps({k: v for k, v in summary.items() if k != "cross"}, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{dataset}[/] at {adapter.root}: {summary['clips']} clips, splits {summary['per_split']}")
    for facet, rows in summary["cross"].items():
        table = Table(title=f"clips per {facet}")
        table.add_column(facet)
        for split in summary["per_split"]:
            table.add_column(split, justify="right")
        table.add_column("total", justify="right")
        for value, per_split in rows.items():
            table.add_row(value, *map(str, per_split.values()), str(sum(per_split.values())))
        console.print(table)


@app.command("prepare")
def prepare(
    dataset: str = typer.Option("demo", "--dataset", "-d", help=DATASET_HELP),
    root: Path | None = typer.Option(None, help="Dataset folder (not needed for demo)."),
    split: str | None = typer.Option(None, help="Only this split (train or test)."),
    limit: int | None = typer.Option(
        None, min=1, help="Only N clips, spread over emotions and actors (the clips `run --limit N` uses)."
    ),
) -> None:
    """Crop faces (MediaPipe), resample to 25 fps / 16 kHz, find landmarks, masks and reference frames.

    Results are cached under $EATBENCH_HOME/prep by content hash; a rerun reuses them.
    """
    from eatbench.clip import balanced_subset
    from eatbench.datasets.registry import get_dataset
    from eatbench.preprocess.prepare import iter_prepared

    clips = get_dataset(dataset, root).clips(split)
    if limit is not None:
        clips = balanced_subset(clips, limit)
    t0 = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task("preprocess", total=len(clips))
        update = lambda i, n: progress.update(task, completed=i, total=n)  # noqa: E731
        # Stream: only one clip's frames are in memory at a time.
        skipped = [(clip, reason) for clip, _, reason in iter_prepared(clips, progress=update) if reason is not None]
    dt = time.perf_counter() - t0
    typer.echo(f"prepared {len(clips) - len(skipped)} of {len(clips)} clips in {dt:.1f} s")
    for clip, reason in skipped:
        typer.echo(f"skipped {clip.clip_id}: {reason}", err=True)
