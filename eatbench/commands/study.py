"""`eatbench study import|show`: user-study ratings for Tables III-IV and Fig. 6."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="User-study ratings (CSV: participant, method, clip, question, score or vote).", no_args_is_help=True
)


@app.command("import")
def import_(
    ratings: Path = typer.Argument(..., help="Ratings CSV; schema in `eatbench study schema`."),
    store: Path | None = typer.Option(None, "--store", help="Results database."),
) -> None:
    """Validate and store ratings (re-importing a participant/method/clip/question replaces it)."""
    from eatbench.report.study import participant_count, read_ratings_csv
    from eatbench.store import ResultsStore

    rows = read_ratings_csv(ratings)
    n = ResultsStore(store).put_ratings(rows, str(ratings))
    methods = sorted({r["method"] for r in rows})
    typer.echo(f"imported {n} ratings from {participant_count(rows)} participants for {', '.join(methods)}")


@app.command("show")
def show(store: Path | None = typer.Option(None, "--store", help="Results database.")) -> None:
    """Means, standard errors and participant counts per method and question."""
    from rich.console import Console
    from rich.table import Table

    from eatbench.report.study import QUESTIONS, summarize
    from eatbench.store import ResultsStore

    stats = summarize(ResultsStore(store, readonly=True).list_ratings())
    t = Table("method", "question", "mean", "s.e.", "participants", "ratings")
    for (method, q), s in sorted(stats.items()):
        t.add_row(method, QUESTIONS[q][0], f"{s.mean:.3f}", f"{s.sem:.3f}", str(s.participants), str(s.ratings))
    Console().print(t)


@app.command("schema")
def schema() -> None:
    """Print the ratings CSV schema."""
    from eatbench.report import study

    typer.echo(study.__doc__)
