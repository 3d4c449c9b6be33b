"""Name registries with "did you mean" suggestions.

One decorator registers; a miss names the closest registered keys.

Example:
    >>> METHODS = Registry("method")
    >>> @METHODS.register("static-frame")
    ... class StaticFrame: ...
    >>> METHODS.get("static-frame").__name__
    'StaticFrame'
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from eatbench.errors import EatbenchError

T = TypeVar("T")


def did_you_mean(name: str, choices: list[str]) -> str:
    """Return a ' (did you mean X?)' suffix naming the closest choices, or a list of all choices."""
    close = difflib.get_close_matches(name.lower(), [c.lower() for c in choices], n=3, cutoff=0.5)
    lookup = {c.lower(): c for c in choices}
    if close:
        return " (did you mean " + " or ".join(repr(lookup[c]) for c in close) + "?)"
    return " (known: " + ", ".join(sorted(choices)) + ")"


class Registry(Generic[T]):
    """A case-insensitive mapping from names to registered objects."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator that registers an object under ``name``."""

        def deco(obj: T) -> T:
            key = name.lower()
            if key in self._items:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            self._items[key] = obj
            return obj

        return deco

    def get(self, name: str) -> T:
        """Look ``name`` up; an unknown name raises an EatbenchError with suggestions."""
        try:
            return self._items[name.lower()]
        except KeyError:
            raise EatbenchError(f"unknown {self.kind} {name!r}{did_you_mean(name, list(self._items))}") from None

    def names(self) -> list[str]:
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
