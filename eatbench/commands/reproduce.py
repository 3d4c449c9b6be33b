"""`eatbench reproduce`."""

from __future__ import annotations

from eatbench.errors import NotBuiltError


def reproduce() -> None:
    """(not built yet)"""
    raise NotBuiltError("`eatbench reproduce` is not built yet in this version")
