"""The ``eatbench`` command line: a Typer app that parses and calls, nothing more.

Each command group lives in ``eatbench/commands/<group>.py``; those modules import only Typer at
module level so that ``eatbench --help`` stays instant. Errors meant for users
(:class:`eatbench.errors.EatbenchError`) become one line on stderr and a non-zero exit.
"""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

import typer

from eatbench.click_errors import click_kind, usage_line
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
from eatbench.errors import EXIT_ENVIRONMENT, EXIT_INTERRUPTED, EXIT_USAGE, EatbenchError, EnvironmentFault

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


def main(args: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every outcome into an exit code.

    ``typer.Exit(code)`` reaches the shell as ``code``; a usage error, an :class:`EatbenchError` or a
    file-system fault is one line on stderr (``-v`` adds the traceback of a fault) with the exit codes
    documented in :mod:`eatbench.errors`.
    """
    try:
        code = app(args=args, prog_name="eatbench", standalone_mode=False)
    except EatbenchError as err:
        _fail(err.exit_code, str(err))
    except KeyboardInterrupt:
        _fail(EXIT_INTERRUPTED, "interrupted: everything finished so far is stored; run the same command to resume")
    except OSError as err:  # a file-system fault that no command turned into an EnvironmentFault
        logging.getLogger("eatbench").debug("environment fault", exc_info=True)
        _fail(EXIT_ENVIRONMENT, str(EnvironmentFault.from_os_error(err)))
    except Exception as err:
        kind = click_kind(err)
        if kind is None:
            raise
        if kind == "abort":
            _fail(1, "aborted")
        if kind == "no-args":  # a bare group (`eatbench data`): its help, as typer prints it
            typer.echo(err.format_message())  # type: ignore[attr-defined]
            sys.exit(EXIT_USAGE)
        _fail(getattr(err, "exit_code", EXIT_USAGE), usage_line(err))
    # standalone_mode=False hands back typer.Exit's code instead of exiting: pass it on.
    sys.exit(code if isinstance(code, int) and not isinstance(code, bool) else 0)


def _fail(code: int, message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(code)


if __name__ == "__main__":
    main()
