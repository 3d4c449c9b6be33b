"""The dataset adapter interface.

An adapter turns a folder on disk into :class:`~eatbench.clip.Clip` records in a fixed, documented
order: sorted by (actor, emotion, level, sentence, view), whatever order the filesystem lists files
in. Splits are assigned from a split file written beside the data the first time (see
:mod:`eatbench.datasets.splits`), so they never silently change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from eatbench.clip import Clip
from eatbench.registry import Registry

DATASETS: Registry[type[DatasetAdapter]] = Registry("dataset")


class DatasetAdapter(ABC):
    """Base class of dataset adapters.

    Attributes:
        name: registry key (``mead``, ``crema-d``, ``folder``).
        emotions: the emotions the dataset labels, in our vocabulary (MEAD words).
    """

    name: ClassVar[str]
    emotions: ClassVar[tuple[str, ...]]

    def __init__(self, root: str | Path, **options: Any) -> None:
        self.root = Path(root).expanduser()
        self.options = options

    @classmethod
    def default_root(cls) -> Path | None:
        """Where the dataset is when no ``--root`` is given (None: ``--root`` is needed)."""
        return None

    @abstractmethod
    def clips(self, split: str | None = None) -> list[Clip]:
        """All clips (or those of one split: ``train``, ``val``, ``test``), in the documented order."""

    def __iter__(self) -> Iterator[Clip]:
        return iter(self.clips())
