"""`eatbench study create|serve|export|import|show`: the user study behind Tables III-IV and Fig. 6."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(
    help="The user study: create it from runs, serve it to participants, export and import the ratings.",
    no_args_is_help=True,
)


def _study_folder(study: str):
    from eatbench.study.create import studies_dir

    path = Path(study)
    return path if path.is_dir() or "/" in study else studies_dir() / study


@app.command("create")
def create(
    from_run: list[int] = typer.Option(
        ..., "--from-run", help="Run id (`eatbench results list`); group2: one per method."
    ),
    design: str = typer.Option(
        ..., "--design", help="group1 (one method: emotion vote, Emo-De., Real., Nat.) or group2."
    ),
    name: str | None = typer.Option(None, "--name", help="Study name (default from the design and runs)."),
    out: Path | None = typer.Option(None, "--out", help="Study folder (default $EATBENCH_HOME/studies/NAME)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the assignment and the orders (recorded)."),
    per_cell: int = typer.Option(1, "--per-cell", help="Clips per method and emotion each participant rates."),
    store: Path | None = typer.Option(None, "--store", help="Results database."),
) -> None:
    """Make a study from stored runs: balanced, randomised, method names hidden."""
    from eatbench.study.create import StudyConfig, create_study

    r = create_study(StudyConfig(from_run, design, out, name, seed, per_cell, store))
    typer.echo(
        f"study {r['folder']}: {len(r['methods'])} method(s) x {len(r['emotions'])} emotion(s) over {r['clips']} clips; "
        f"{r['per_participant']} videos + attention checks per participant"
    )
    for note in r["checks"]:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"serve it with: eatbench study serve {r['folder']}")


@app.command("serve")
def serve(
    study: str = typer.Argument(..., help="Study name or folder."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for a lab network)."),
    port: int = typer.Option(8000, "--port", help="Port."),
    admin_token: str | None = typer.Option(None, "--admin-token", help="Admin token (default: a new random one)."),
) -> None:
    """Serve the study to participants until interrupted (Ctrl-C)."""
    from eatbench.study.app import Server

    server = Server(_study_folder(study), host, port, admin_token)
    typer.echo(f"participants: http://{host}:{port}/")
    typer.echo(f"admin: http://{host}:{port}/admin?token={server.admin_token}")
    server.run()


@app.command("export")
def export(
    study: str = typer.Argument(..., help="Study name or folder."),
    out: Path = typer.Option(..., "--out", "-o", help="Ratings CSV to write (read by `eatbench study import`)."),
    checks: Path | None = typer.Option(None, "--checks", help="Also write each participant's attention checks (CSV)."),
) -> None:
    """Write the ratings in the format `study import` reads; report the attention checks."""
    import csv

    from eatbench.errors import EatbenchError
    from eatbench.paths import atomic_path
    from eatbench.study.app import ratings_csv
    from eatbench.study.db import StudyDB, attention

    db = StudyDB(_study_folder(study))
    text = ratings_csv(db)
    if text.count("\n") <= 1:
        raise EatbenchError(f"study {db.folder}: no answers yet; nothing exported")
    with atomic_path(out) as tmp:
        tmp.write_text(text)
    report = attention(db)
    typer.echo(f"wrote {text.count(chr(10)) - 1} ratings from {len(report)} participants to {out}")
    for r in report:
        typer.echo(
            f"  {r['participant']}: {r['answered']}/{r['items']} answered; repeat: {r['repeat']}; "
            f"ground truth: {r['ground_truth']}"
        )
    if checks is not None:
        with atomic_path(checks) as tmp, open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["participant", "answered", "items", "repeat", "ground_truth"])
            w.writeheader()
            w.writerows(report)


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
