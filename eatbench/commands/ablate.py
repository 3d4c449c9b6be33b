"""`eatbench ablate`."""

from __future__ import annotations

from eatbench.errors import NotBuiltError


def ablate() -> None:
    """(not built yet)"""
    raise NotBuiltError("`eatbench ablate` is not built yet in this version")
