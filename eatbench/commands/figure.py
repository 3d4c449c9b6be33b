"""`eatbench figure {5,6,7}`: Figs. 5-7 as PNG and PDF."""

from __future__ import annotations

from pathlib import Path

import typer


def figure(
    number: int = typer.Argument(..., help="5 (t-SNE), 6 (user study), 7 (EVE heatmaps)."),
    embeddings: Path | None = typer.Option(None, "--embeddings", help="Figs. 5 and 7: the .npz of embeddings."),
    method: str = typer.Option("eatface", "--method", help="Fig. 6: the method whose ratings are drawn."),
    out: Path = typer.Option(Path("results/figures"), "--out", "-o", help="Output folder."),
    store: Path | None = typer.Option(None, "--store", help="Results database (Fig. 6)."),
) -> None:
    """Draw Fig. NUMBER and print the number it states (silhouette, diagonal mass, averages)."""
    from eatbench.errors import EatbenchError
    from eatbench.report import figures

    if number in (5, 7) and embeddings is None:
        raise EatbenchError(f"figure {number}: pass --embeddings FILE.npz (layout in `eatbench figure --help` docs)")
    if number == 5:
        d = figures.load_npz(embeddings, ("embeddings", "labels"))
        r = figures.fig5_tsne(d["embeddings"], d["labels"], out / "fig5_tsne")
        typer.echo(f"silhouette {r['silhouette']:.4f} (cosine, embedding space), {r['silhouette_2d']:.4f} (t-SNE map)")
    elif number == 6:
        from eatbench.store import ResultsStore

        r = figures.fig6_user_study(ResultsStore(store, readonly=True).list_ratings(), out / "fig6_user_study", method)
        typer.echo("averages: " + ", ".join(f"{q} {v:.3f}" for q, v in r["average"].items()))
    elif number == 7:
        keys = ("text_before", "visual_before", "text_after", "visual_after", "labels", "emotions")
        d = figures.load_npz(embeddings, keys)
        r = figures.fig7_heatmaps(*(d[k] for k in keys[:5]), list(d["emotions"]), out / "fig7_eve_heatmaps")
        typer.echo(
            f"diagonal mass {r['diagonal_before']:.4f} before EVE, {r['diagonal_after']:.4f} after (chance {r['chance']:.4f})"
        )
    else:
        raise EatbenchError(f"figure {number}: the paper's figures here are 5, 6 and 7")
    for p in r["paths"]:
        typer.echo(f"wrote {p}", err=True)
