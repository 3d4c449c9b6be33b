"""Recognise Click's exceptions whichever copy of Click raised them, and say them in one line.

typer up to 0.15 raises the ``click`` package's exceptions; newer typer (0.29, pinned in
pyproject.toml) vendors Click as ``typer._click`` and raises ``typer._click.exceptions.*``, which an
``except click.ClickException`` does not catch (the tracebacks of issue 12.4). Matching class names
along the exception's MRO, within any of those modules, holds for both without importing ``click``.

Example:
    >>> click_kind(ValueError("x")) is None
    True
"""

from __future__ import annotations

from typing import Literal

# Where Click's exception classes live: the click package, typer's vendored copy, typer's own.
_MODULES = ("click.exceptions", "typer._click.exceptions", "typer.exceptions")

Kind = Literal["no-args", "abort", "usage", "other"]


def click_kind(err: BaseException) -> Kind | None:
    """What kind of Click exception ``err`` is, or None when it is not one.

    Returns:
        ``no-args`` (a bare group: show its help), ``abort`` (Click's Abort, e.g. a declined prompt),
        ``usage`` (unknown command or option, bad or missing value), ``other`` (another
        ClickException, e.g. a file Click could not open), or None.
    """
    names = {cls.__name__ for cls in type(err).__mro__ if cls.__module__ in _MODULES}
    if "NoArgsIsHelpError" in names:
        return "no-args"
    if "Abort" in names:
        return "abort"
    if "UsageError" in names:
        return "usage"
    if "ClickException" in names:
        return "other"
    return None


def usage_line(err: BaseException) -> str:
    """One line for a Click exception: Click's message, a did-you-mean for an unknown command, where help is.

    Example (``eatbench frobnicate``): ``No such command 'frobnicate' (commands: data, metrics, ...); see
    `eatbench --help```.
    """
    message = err.format_message() if hasattr(err, "format_message") else str(err)
    message = message.strip().rstrip(".")
    ctx = getattr(err, "ctx", None)
    if ctx is None:
        return message
    if message.startswith("No such command") and "did you mean" not in message.lower():
        if hasattr(ctx.command, "list_commands"):
            message += f" (commands: {', '.join(ctx.command.list_commands(ctx))})"
    return f"{message}; see `{ctx.command_path} --help`"
