"""`eatbench generate`."""

from __future__ import annotations

from eatbench.errors import NotBuiltError


def generate() -> None:
    """(not built yet)"""
    raise NotBuiltError("`eatbench generate` is not built yet in this version")
