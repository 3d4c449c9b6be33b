"""Dataset names → adapters. ``demo`` is the MEAD adapter on the generated demo corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eatbench.datasets import cremad, folder, mead  # noqa: F401  (registration)
from eatbench.datasets.base import DATASETS, DatasetAdapter
from eatbench.errors import EatbenchError
from eatbench.paths import demo_root
from eatbench.registry import did_you_mean

NAMES = ("mead", "crema-d", "folder", "demo")


def get_dataset(name: str, root: str | Path | None = None, **options: Any) -> DatasetAdapter:
    """Build the adapter for ``name``.

    ``demo`` reads the demo corpus (default root ``$EATBENCH_HOME/demo/MEAD``) with the MEAD
    adapter; every other name needs ``root``.
    """
    key = name.lower()
    if key == "demo":
        root = Path(root) if root is not None else demo_root()
        if not (root / mead.DEMO_MANIFEST).is_file():
            raise EatbenchError(
                f"--dataset demo: no demo corpus at {root}; create it with `eatbench data demo --root {root}`"
            )
        return mead.MEAD(root, **options)
    if key not in DATASETS:
        raise EatbenchError(f"unknown dataset {name!r}{did_you_mean(name, list(NAMES))}")
    if root is None:
        raise EatbenchError(f"--dataset {name}: pass --root, the folder that holds the dataset")
    return DATASETS.get(key)(root, **options)
