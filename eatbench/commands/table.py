"""`eatbench table`."""

from __future__ import annotations

import typer

from eatbench.errors import NotBuiltError

app = typer.Typer(help="(not built yet)", no_args_is_help=True)


@app.command("status")
def status() -> None:
    """Say which part is missing."""
    raise NotBuiltError("`eatbench table` is not built yet in this version")
