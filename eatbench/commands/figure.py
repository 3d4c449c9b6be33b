"""`eatbench figure NUMBER`: a paper figure as PNG and PDF; `eatbench figure intensity`: EAT-Face's intensity knob;
`eatbench figure lips`: a method's mouth opening against the loudness of real recorded speech."""

from __future__ import annotations

from pathlib import Path

import typer

from eatbench.datasets.registry import dataset_help


def figure(
    number: str = typer.Argument(
        ...,
        help="5 (t-SNE), 6 (user study), 7 (EVE heatmaps), intensity (EAT-Face's --intensity, measured) or lips "
        "(mouth opening vs loudness of real recorded speech, measured).",
    ),
    embeddings: Path | None = typer.Option(
        None,
        "--embeddings",
        help="Figs. 5 and 7: the .npz of embeddings, or a folder with fig5.npz/fig7.npz; intensity: an "
        "intensity.npz (lips: a lips.npz) to draw instead of measuring.",
    ),
    method: str = typer.Option(
        "eatface", "--method", help="Fig. 6: the method whose ratings are drawn; lips: the method that speaks."
    ),
    out: Path = typer.Option(Path("results/figures"), "--out", "-o", help="Output folder."),
    store: Path | None = typer.Option(None, "--store", help="Results database (Fig. 6)."),
    dataset: str = typer.Option("demo", "--dataset", "-d", help=f"intensity: {dataset_help()}."),
    root: Path | None = typer.Option(None, "--root", help="intensity: dataset folder (demo has a default)."),
    limit: int = typer.Option(16, "--limit", min=1, help="intensity: test clips, spread over the emotions."),
    profile: str | None = typer.Option(
        None, "--profile", help="intensity: the emotion judge's profile (default: demo on demo, else official)."
    ),
    weights: Path | None = typer.Option(None, "--weights", help="intensity, lips: EAT-Face's weights folder."),
    faces: int = typer.Option(4, "--faces", min=1, max=8, help="lips: demo actors' faces to drive."),
    split: str = typer.Option(
        "test", "--split", help="intensity: the split whose clips are measured (train, val, test)."
    ),
    intensity_mode: str = typer.Option(
        "condition",
        "--intensity-mode",
        help="intensity: how s acts: condition, residual or alpha (eatface.emotion_mix).",
    ),
) -> None:
    """Draw Fig. NUMBER and print the number it states (silhouette, diagonal mass, averages)."""
    if number.strip().lower() == "intensity":
        from eatbench.report.intensity import draw_intensity, measure_intensity
        from eatbench.run.config import default_profile

        npz = embeddings
        if npz is None:
            npz = measure_intensity(
                dataset,
                root,
                out / "intensity.npz",
                limit=limit,
                profile=profile or default_profile(dataset),
                weights=weights,
                split=split,
                mode=intensity_mode,
            )
        drawn = draw_intensity(npz, out / "intensity")
    elif number.strip().lower() == "lips":
        from eatbench.report.lips import draw_lips, measure_lips

        npz = embeddings or measure_lips(out / "lips.npz", faces=faces, method=method, weights=weights)
        drawn = draw_lips(npz, out / "lips")
    else:
        from eatbench.errors import EatbenchError
        from eatbench.report.figures import FIGURES, FigureRequest, figure_numbers, get_figure

        if number.strip() not in FIGURES:
            known = ", ".join([*map(str, figure_numbers()), "intensity", "lips"])
            raise EatbenchError(f"unknown figure {number!r} (known: {known})")
        fig = get_figure(number)
        db = None
        if fig.needs == "ratings":
            from eatbench.store import ResultsStore

            db = ResultsStore(store, readonly=True)
        drawn = fig.draw(FigureRequest(out, db, embeddings, method))
    typer.echo(drawn.summary)
    for p in drawn.paths:
        typer.echo(f"wrote {p}", err=True)
