"""`eatbench figure NUMBER`: a paper figure as PNG and PDF."""

from __future__ import annotations

from pathlib import Path

import typer


def figure(
    number: int = typer.Argument(..., help="5 (t-SNE), 6 (user study), 7 (EVE heatmaps)."),
    embeddings: Path | None = typer.Option(
        None, "--embeddings", help="Figs. 5 and 7: the .npz of embeddings, or a folder with fig5.npz/fig7.npz."
    ),
    method: str = typer.Option("eatface", "--method", help="Fig. 6: the method whose ratings are drawn."),
    out: Path = typer.Option(Path("results/figures"), "--out", "-o", help="Output folder."),
    store: Path | None = typer.Option(None, "--store", help="Results database (Fig. 6)."),
) -> None:
    """Draw Fig. NUMBER and print the number it states (silhouette, diagonal mass, averages)."""
    from eatbench.report.figures import FigureRequest, get_figure

    fig = get_figure(number)
    db = None
    if fig.needs == "ratings":
        from eatbench.store import ResultsStore

        db = ResultsStore(store, readonly=True)
    drawn = fig.draw(FigureRequest(out, db, embeddings, method))
    typer.echo(drawn.summary)
    for p in drawn.paths:
        typer.echo(f"wrote {p}", err=True)
