"""`eatbench ablate VARIANT`: run an EAT-Face ablation variant (Table IV) exactly like `eatbench run`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def ablate(
    variant: str = typer.Argument(..., help="A variant of --method (eatface: w/o-EVE, w/o-FEC, w/o-Emo or full)."),
    dataset: str = typer.Option(..., "--dataset", "-d", help="demo, mead, crema-d or folder."),
    root: Path | None = typer.Option(None, "--root", help="Dataset folder (demo has a default)."),
    split: str = typer.Option("test", "--split", help="train, val, test or all."),
    limit: int | None = typer.Option(None, "--limit", help="Only N clips, spread evenly over emotions and actors."),
    seed: int = typer.Option(0, "--seed", help="Generation seed."),
    metrics: str | None = typer.Option("emo-acc", "--metrics", help="Comma-separated metrics (default: emo-acc)."),
    profile: str | None = typer.Option(None, "--profile", help="Judge profile: official or demo."),
    weights: Path | None = typer.Option(None, "--weights", help="EAT-Face weights folder."),
    method: str = typer.Option("eatface", "--method", help="The model whose variant runs."),
) -> None:
    """Run an EAT-Face ablation variant and score it (Emo-Acc by default)."""
    from eatbench.commands.run import execute
    from eatbench.metrics.registry import parse_metric_list
    from eatbench.run import RunConfig

    cfg = RunConfig(
        method=method,
        dataset=dataset,
        root=root,
        split=None if split == "all" else split,
        limit=limit,
        seed=seed,
        metrics=tuple(parse_metric_list(metrics)) if metrics else None,
        profile=profile,
        variant=variant,
        weights=weights,
        command="eatbench " + " ".join(sys.argv[1:]),
    )
    execute(cfg)
