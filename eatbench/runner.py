"""Transitional re-exports: the runner is the package :mod:`eatbench.run`.

Kept for ``eatbench/report`` (``reproduce.py``, ``stills.py``) until it imports from
:mod:`eatbench.run` and asks :mod:`eatbench.methods.registry` for variants; nothing new uses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eatbench.methods.base import Method
from eatbench.run import PROFILES, RunConfig, Runner, RunSummary, git_commit, series_label, shard_info, video_key

__all__ = [
    "PROFILES",
    "RunConfig",
    "RunSummary",
    "Runner",
    "canonical_variant",
    "git_commit",
    "resolve_method",
    "series_label",
    "shard_info",
    "video_key",
]


def __getattr__(name: str) -> Any:
    # EAT-Face's declared variants, Table IV order: eatbench.methods.registry.method_variants("eatface").
    if name == "VARIANTS":
        from eatbench.methods.registry import method_variants

        return method_variants("eatface")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def canonical_variant(variant: str) -> str:
    """EAT-Face's variant by its declared spelling: see :func:`eatbench.methods.registry.resolve_variant`."""
    from eatbench.methods.registry import method_class

    return method_class("eatface").canonical_variant(variant)


def resolve_method(
    name: str, variant: str | None = None, weights: Path | None = None, from_folder: Path | None = None
) -> Method:
    """See :func:`eatbench.methods.registry.resolve_method`."""
    from eatbench.methods import registry

    return registry.resolve_method(name, variant, weights=weights, from_folder=from_folder)
