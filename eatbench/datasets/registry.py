"""Dataset names → adapters (``demo`` is the MEAD adapter on the generated demo corpus), and the names
the commands' help lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eatbench.datasets import cremad, folder, mead  # noqa: F401  (registration)
from eatbench.datasets.base import DATASETS, DatasetAdapter
from eatbench.errors import EatbenchError
from eatbench.registry import did_you_mean


def dataset_names() -> list[str]:
    """Every registered dataset name (``demo`` first: it runs anywhere)."""
    names = DATASETS.names()
    return sorted(names, key=lambda n: n != "demo")


def dataset_help() -> str:
    """``demo, mead, crema-d or folder``: the names for a command's ``--dataset`` help."""
    names = dataset_names()
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


def get_dataset(name: str, root: str | Path | None = None, **options: Any) -> DatasetAdapter:
    """Build the adapter for ``name``; ``root`` defaults to the adapter's own (``demo``: the demo corpus
    at ``$EATBENCH_HOME/demo/MEAD``), every other dataset needs it.

    Raises:
        EatbenchError: an unknown name (with suggestions), or no root.
    """
    if name.lower() not in DATASETS:
        raise EatbenchError(f"unknown dataset {name!r}{did_you_mean(name, dataset_names())}")
    cls = DATASETS.get(name)
    root = root if root is not None else cls.default_root()
    if root is None:
        raise EatbenchError(f"--dataset {name}: pass --root, the folder that holds the dataset")
    return cls(root, **options)
