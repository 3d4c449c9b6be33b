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
    from eatbench.report.tables import build_table, render
    from eatbench.store import ResultsStore

    datasets = [d.strip() for d in dataset.split(",") if d.strip()]
    text = render(build_table(number, ResultsStore(store, readonly=True), datasets, published, compare_to), fmt)
    if out is None:
        typer.echo(text, nl=False)
    else:
        from eatbench.paths import atomic_path

        with atomic_path(out) as tmp:
            tmp.write_text(text)
        typer.echo(f"wrote {out}", err=True)
