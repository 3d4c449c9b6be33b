"""`eatbench reproduce`: every available method and variant, then all tables, figures and an index."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from eatbench.datasets.registry import dataset_help


def reproduce(
    dataset: str = typer.Option("demo", "--dataset", "-d", help=f"{dataset_help()}."),
    methods: str | None = typer.Option(None, "--methods", help="Comma-separated methods (default: every registered)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (default results/<dataset>/)."),
    root: Path | None = typer.Option(None, "--root", help="Dataset folder (demo has a default)."),
    split: str = typer.Option("test", "--split", help="train, val, test or all."),
    limit: int | None = typer.Option(None, "--limit", help="Only N clips, spread evenly over emotions and actors."),
    seed: int = typer.Option(0, "--seed", help="Generation seed."),
    profile: str | None = typer.Option(None, "--profile", help="Judge profile: official or demo."),
    embeddings: Path | None = typer.Option(None, "--embeddings", help="Folder with fig5.npz and fig7.npz."),
    also_profile: str | None = typer.Option(
        None,
        "--also-profile",
        help="Also score every method's videos with these judges (e.g. portable); Tables I and II show both.",
    ),
) -> None:
    """Run every method that can run here (cached), write Tables I-IV, Figs. 5-7 and README.md."""
    from rich.console import Console
    from rich.markup import escape

    from eatbench.commands.run import execute
    from eatbench.report.reproduce import reproduce as run_all

    names = [m.strip() for m in methods.split(",") if m.strip()] if methods else None
    report = run_all(
        dataset,
        out,
        methods=names,
        root=root,
        split=None if split == "all" else split,
        limit=limit,
        seed=seed,
        profile=profile,
        embeddings=embeddings,
        run=execute,
        command="eatbench " + " ".join(sys.argv[1:]),
        also_profiles=tuple(p.strip() for p in also_profile.split(",") if p.strip()) if also_profile else (),
    )
    console = Console(stderr=True)
    for o in report.outcomes:
        if not o.ran:
            console.print(f"[yellow]not run[/] {escape(o.label)}: {escape(o.reason)}")
    for fig, reason in report.missing_figures.items():
        console.print(f"[yellow]not drawn[/] {fig}: {escape(reason)}")
    console.print(
        f"wrote {len(report.files)} files to {report.out} in {report.seconds:.1f} s (index: {report.out / 'README.md'})"
    )
