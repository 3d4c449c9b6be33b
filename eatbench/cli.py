"""The ``eatbench`` command line: a Typer app that parses and calls, nothing more.

Each command group lives in ``eatbench/commands/<group>.py``; those modules import only Typer at
module level so that ``eatbench --help`` stays instant. Errors meant for users
(:class:`eatbench.errors.EatbenchError`) become one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys

import typer

from eatbench.commands import (
    ablate,
    data,
    figure,
    generate,
    methods,
    metrics,
    report,
    reproduce,
    results,
    run,
    study,
    table,
    train,
    weights,
)
from eatbench.errors import EatbenchError

app = typer.Typer(
    name="eatbench",
    help="EAT-Face and a talking-face benchmark whose numbers match the reference implementations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(data.app, name="data")
app.add_typer(metrics.app, name="metrics")
app.add_typer(weights.app, name="weights")
app.add_typer(methods.app, name="methods")
app.command("generate")(generate.generate)
app.command("run")(run.run)
app.command("ablate")(ablate.ablate)
app.command("table")(table.table)
app.command("figure")(figure.figure)
app.command("reproduce")(reproduce.reproduce)
app.add_typer(train.app, name="train")
app.add_typer(results.app, name="results")
app.add_typer(study.app, name="study")
app.add_typer(report.app, name="report")


@app.callback()
def _root(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log debug messages.")) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


def main() -> None:
    """Console-script entry point."""
    try:
        app(standalone_mode=False)
    except EatbenchError as err:
        typer.echo(f"error: {err}", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted: everything finished so far is stored; run the same command to resume", err=True)
        sys.exit(130)
    except typer.Abort:
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as err:  # click usage errors arrive here with standalone_mode=False
        import click

        if isinstance(err, click.exceptions.ClickException):
            err.show()
            sys.exit(err.exit_code)
        raise


if __name__ == "__main__":
    main()
