"""`eatbench report html`: a static HTML report of the results store (opens from disk, no server)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(help="Reports of the results store you can open and share.", no_args_is_help=True)


@app.command("html")
def html(
    out: Path = typer.Option(..., "--out", "-o", help="Report folder (new, empty, or an earlier report)."),
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="Datasets, comma-separated (default: all)."),
    figures: Path | None = typer.Option(None, "--figures", help="A folder `eatbench reproduce` wrote (its figures)."),
    store: Path | None = typer.Option(None, "--store", help="Results database (default $EATBENCH_HOME/results.db)."),
    preview_size: int = typer.Option(128, "--preview-size", help="Preview videos' width and height in pixels."),
    budget_mb: float = typer.Option(12.0, "--budget-mb", help="Refuse a report larger than this (MB)."),
    published: bool = typer.Option(True, "--published/--no-published", help="The paper's rows beside the tables."),
    only_reproduced: bool = typer.Option(
        False,
        "--only-reproduced",
        help="Only the series the --figures reproduction scored, as its table files (default: the store's newest).",
    ),
    screenshots: bool = typer.Option(
        False, "--screenshots/--no-screenshots", help="Also write screens/*.png with headless Chromium."
    ),
) -> None:
    """Tables, figures, and every video of every method side by side, playing in sync."""
    from eatbench.report.html.build import HtmlReportConfig, build_report

    datasets = [d.strip() for d in dataset.split(",") if d.strip()] if dataset else None
    cfg = HtmlReportConfig(
        out=out,
        datasets=datasets,
        figures=figures,
        store=store,
        preview_size=preview_size,
        budget_mb=budget_mb,
        published=published,
        command="eatbench " + " ".join(sys.argv[1:]),
        only_reproduced=only_reproduced,
    )
    report = build_report(cfg)
    typer.echo(
        f"wrote {len(report.pages)} pages and {report.videos} previews ({report.bytes / 1e6:.1f} MB) to {report.out} "
        f"in {report.seconds:.1f} s; open {report.out / 'index.html'}"
    )
    if screenshots:
        from eatbench.report.html.browser import screenshots as take

        paths = take(report.out)
        typer.echo(f"screenshots: {', '.join(str(p) for p in paths)}")
