"""`eatbench run`: generate (or reuse) a method's videos for a dataset split, score them, store everything.

The shared :func:`execute` (rich progress bar with clips done, rate and ETA; a summary table at the
end) also serves ``eatbench ablate`` and ``eatbench reproduce``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer


def execute(config: Any, quiet: bool = False) -> Any:
    """Run ``config`` (a :class:`eatbench.run.RunConfig`) with a progress bar; print the summary."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from eatbench.run import Runner, shard_info

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            if not speed:
                return Text("– clips/s", style="progress.data.speed")
            return Text(
                f"{speed:.2f} clips/s" if speed >= 0.1 else f"{1 / speed:.1f} s/clip", style="progress.data.speed"
            )

    index, count = shard_info()
    console = Console(stderr=True)
    show = not quiet and index == 0
    label = config.method + (f"[{config.variant}]" if config.variant else "")
    runner = Runner(config, shard=(index, count))
    runner.setup()  # unknown names and empty datasets fail before the progress bar appears
    assert runner.clips is not None
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("clips"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=not show,
    ) as progress:
        task = progress.add_task(
            f"{label} on {config.dataset}" + (f" (shard {index + 1}/{count})" if count > 1 else ""), total=None
        )

        def on_clip(done: int, total: int, outcome: Any) -> None:
            progress.update(task, completed=done, total=total)
            if outcome.failed and outcome.generated:
                progress.console.print(f"[yellow]failed[/] {outcome.clip_id}: {escape(str(outcome.failed))}")

        runner.progress = on_clip
        summary = runner.run()
    if show:
        print_summary(summary, console)
    return summary


def print_summary(summary: Any, console: Any) -> None:
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"{summary.label}: {summary.n_clips} clips (series {summary.series})", title_justify="left")
    for col in ("metric", "value", "clips", "protocol / reason"):
        t.add_column(col, justify="right" if col in ("value", "clips") else "left")
    for m in summary.metrics:
        arrow = "↑" if m.higher_is_better else "↓"
        value = "n/a" if m.value is None else f"{m.value:.4f}"
        clips = f"{m.n_clips}/{m.n_expected}" + (f" ({m.n_failed} failed)" if m.n_failed else "")
        t.add_row(f"{m.display}{arrow}", value, clips, m.reason if m.value is None else m.protocol)
    console.print(t)
    console.print(
        f"generated {summary.generated}, reused {summary.reused}, failed {len(summary.failed)}, "
        f"metric values computed {summary.computed}, {summary.seconds:.1f} s"
    )
    for clip, err in summary.failed.items():
        console.print(f"[yellow]failed[/] {clip}: {escape(str(err))}")


def _config(**kw: Any) -> Any:
    from eatbench.run import RunConfig

    metrics = kw.pop("metrics")
    if metrics is not None:
        from eatbench.metrics.registry import parse_metric_list

        metrics = tuple(parse_metric_list(metrics))
    return RunConfig(metrics=metrics, command="eatbench " + " ".join(sys.argv[1:]), **kw)


def run(
    method: str = typer.Option(..., "--method", "-m", help="Method name (see `eatbench methods list`)."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="demo, mead, crema-d or folder."),
    root: Path | None = typer.Option(None, "--root", help="Dataset folder (demo has a default)."),
    split: str = typer.Option("test", "--split", help="train, val, test or all."),
    limit: int | None = typer.Option(None, "--limit", help="Only N clips, spread evenly over emotions and actors."),
    seed: int = typer.Option(0, "--seed", help="Generation seed (part of every cache key)."),
    metrics: str | None = typer.Option(None, "--metrics", help="Comma-separated metric names (default: all)."),
    emotion: str | None = typer.Option(None, "--emotion", help="Target emotion for every clip (default: the clip's)."),
    profile: str | None = typer.Option(
        None, "--profile", help="Judge profile: official, demo or portable (default by dataset)."
    ),
    variant: str | None = typer.Option(None, "--variant", help="EAT-Face variant: full, w/o-EVE, w/o-FEC, w/o-Emo."),
    weights: Path | None = typer.Option(None, "--weights", help="The method's weights folder."),
    from_folder: Path | None = typer.Option(None, "--from-folder", help="Score videos made elsewhere (ingest mode)."),
    retry_failed: bool = typer.Option(False, "--retry-failed/--keep-failed", help="Generate failed clips again."),
) -> None:
    """Generate (or reuse) and score a method's videos; everything lands in the results store."""
    cfg = _config(
        method=method,
        dataset=dataset,
        root=root,
        split=None if split == "all" else split,
        limit=limit,
        seed=seed,
        metrics=metrics,
        emotion=emotion,
        profile=profile,
        variant=variant,
        weights=weights,
        from_folder=from_folder,
        retry_failed=retry_failed,
    )
    execute(cfg)
