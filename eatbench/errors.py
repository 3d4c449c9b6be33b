"""User-facing errors.

An :class:`EatbenchError` carries one line that names the argument, states the rule, shows what was
received and says what to do. The CLI prints it on stderr and exits non-zero without a traceback;
library callers can catch it like any exception.
"""

from __future__ import annotations


class EatbenchError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    exit_code: int = 2


class MissingWeightsError(EatbenchError):
    """A pretrained file a measurement needs is not on disk (never replaced by random weights)."""


class InputError(EatbenchError):
    """A bad input file: missing, corrupt, silent, too short, wrong format, or no face."""


class NotBuiltError(EatbenchError):
    """A command whose engine is not part of this version yet."""

    exit_code: int = 3
