"""`eatbench methods`: every method, whether it can run here and why not, and the settings it reads."""

from __future__ import annotations

import typer

app = typer.Typer(help="Methods: list them, with availability and configuration.", no_args_is_help=True)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Show every method (each variant on its row), whether it can run here (and why not), and its
    config keys / env vars. Imports no model library."""
    import json

    from eatbench.methods.registry import list_methods

    infos = list_methods()
    if as_json:
        typer.echo(json.dumps([i.to_dict() for i in infos], indent=2))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="methods")
    for col in ("name", "variant", "kind", "version", "emotion", "runs here"):
        table.add_column(col, overflow="fold")
    for info in infos:
        variant = "" if info.variant is None else info.variant + (" (default)" if info.default else "")
        runs = "yes" if info.available else f"no: {info.reason}"
        # escape(): reasons hold "[name]" (a config table) that rich would take for markup and drop.
        table.add_row(*(escape(x) for x in (info.name, variant, info.kind, info.version, info.emotion, runs)))
    console = Console()
    console.print(table)
    external = [i for i in infos if i.config]
    if external:
        from baselines.config import config_file

        console.print(f"\nExternal methods read [bold]{config_file()}[/] (a \\[name] table each) or these env vars:")
        for info in external:
            console.print(f"[bold]{info.name}[/] ({info.upstream})")
            for key, text in info.config.items():
                console.print(f"  {key:<16} {escape(text)}", highlight=False)
    console.print("\nAny method's videos made elsewhere: `eatbench run --method NAME --from-folder DIR`.")
