"""`eatbench table NUMBER`: a paper table from the results store, LaTeX or Markdown."""

from __future__ import annotations

from pathlib import Path

import typer


def table(
    number: int = typer.Argument(..., help="1 (comparison), 2 (Emo-Acc), 3 (user study), 4 (ablation)."),
    dataset: str = typer.Option("demo", "--dataset", "-d", help="Dataset(s), comma-separated for Table I blocks."),
    fmt: str = typer.Option("markdown", "--format", "-f", help="latex or markdown."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    published: bool = typer.Option(True, "--published/--no-published", help="Print the paper's numbers and Δ."),
    compare_to: str | None = typer.Option(None, "--compare-to", help="Paper dataset for Table I's published rows."),
    store: Path | None = typer.Option(None, "--store", help="Results database."),
) -> None:
    """Print or write Table NUMBER."""
    from eatbench.report.tables import build_table, check_format, get_table, render
    from eatbench.store import ResultsStore, default_store_path

    get_table(number)  # an unknown number or format fails before anything is read
    check_format(fmt)
    datasets = [d.strip() for d in dataset.split(",") if d.strip()]
    db = None
    if store is not None or default_store_path().is_file():
        db = ResultsStore(store, readonly=True)  # a --store that does not exist is an error
    else:
        typer.echo(f"no results store at {default_store_path()} yet: the paper's numbers only", err=True)
    text = render(build_table(number, db, datasets, published, compare_to), fmt)
    if out is None:
        typer.echo(text, nl=False)
    else:
        from eatbench.paths import atomic_path

        with atomic_path(out) as tmp:
            tmp.write_text(text)
        typer.echo(f"wrote {out}", err=True)
