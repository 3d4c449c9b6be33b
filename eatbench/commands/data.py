"""`eatbench data`: datasets, the demo corpus and preprocessing."""

from __future__ import annotations

import typer

app = typer.Typer(help="Datasets: generate the demo corpus, inspect a dataset, preprocess clips.", no_args_is_help=True)
