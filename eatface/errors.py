"""The one error type of the model library.

:class:`EATFaceError` carries one line that names the argument, states the rule, shows what was
received and says what to do. ``eatface`` knows nothing about the benchmark; the ``eatbench`` CLI and
method adapter turn this error into their own one-line user error.
"""

from __future__ import annotations

import difflib


class EATFaceError(ValueError):
    """A bad argument, a missing component or checkpoint, explained in one line."""


def did_you_mean(name: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' (did you mean X?)' naming the closest choice, or ' (known: ...)'."""
    lookup = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(name.lower(), list(lookup), n=2, cutoff=0.5)
    if close:
        return " (did you mean " + " or ".join(repr(lookup[c]) for c in close) + "?)"
    return " (known: " + ", ".join(choices) + ")"
