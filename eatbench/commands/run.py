"""`eatbench run`."""

from __future__ import annotations

from eatbench.errors import NotBuiltError


def run() -> None:
    """(not built yet)"""
    raise NotBuiltError("`eatbench run` is not built yet in this version")
