"""A judge's activations of ground-truth frames, kept on disk by content: computed once, not once per method.

FID runs the FID-Inception on the ground-truth frames of every clip for every method it scores, and
those frames (the preprocessed clip) are the same for every method: a Table I of nine series ran the
same network on the same frames nine times. :func:`cached_activations` keys the result by what
determines it — the judge (the sha256 of its weight files), the settings that reach the network
(e.g. the batch size), the frames' shape, dtype and bytes, and :data:`VERSION` — and keeps it as a
``.npy`` under ``$EATBENCH_HOME/cache/activations/<judge>/``, content-addressed and safe to delete.
A hit returns the very array the computation returned (same bits), so a number never depends on
whether the cache was warm.

Only complete results are written (atomically, :func:`eatbench.paths.atomic_path`); a file that cannot
be read or has the wrong shape is recomputed and replaced, and a cache folder that cannot be written
is passed over (the value is still returned). ``EATBENCH_ACTIVATION_CACHE=0`` turns the cache off
(benchmarks compare both ways).

Example:
    >>> frames = np.zeros((2, 8, 8, 3), np.uint8)
    >>> key = activation_key("toy", [], frames, {"batch_size": 25})
    >>> key == activation_key("toy", [], frames.copy(), {"batch_size": 25}), len(key)
    (True, 64)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eatbench.errors import EnvironmentFault
from eatbench.paths import atomic_path, eatbench_home, file_hash

log = logging.getLogger(__name__)

VERSION = 1  # raise when what a cached array means changes (preprocessing inside the judge, dtype)
ENV = "EATBENCH_ACTIVATION_CACHE"


def enabled() -> bool:
    return os.environ.get(ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def activation_key(judge: str, weight_files: Sequence[Path], frames: np.ndarray, settings: dict[str, Any]) -> str:
    """sha256 over the judge's name, its weight files' contents, the settings and the frames (shape, dtype, bytes)."""
    h = hashlib.sha256()
    head = {
        "judge": judge,
        "version": VERSION,
        "weights": [file_hash(Path(p)) for p in weight_files],
        "settings": settings,
        "shape": list(frames.shape),
        "dtype": frames.dtype.str,
    }
    h.update(json.dumps(head, sort_keys=True).encode())
    h.update(np.ascontiguousarray(frames).data)
    return h.hexdigest()


def cached_activations(
    judge: str,
    weight_files: Sequence[Path],
    frames: np.ndarray,
    settings: dict[str, Any],
    compute: Callable[[], np.ndarray],
) -> np.ndarray:
    """``compute()``'s array for these frames and judge, from the cache when it holds it (see the module docstring).

    Args:
        judge: a name for the judge network (a folder of the cache).
        weight_files: the files its weights come from (their contents are part of the key).
        frames: the frames the network sees.
        settings: anything else that reaches the network and could change its output.
        compute: runs the network; its result must have one row per frame.
    """
    if not enabled():
        return compute()
    key = activation_key(judge, weight_files, frames, settings)
    path = eatbench_home() / "cache" / "activations" / judge / key[:2] / f"{key}.npy"
    try:
        cached = np.load(path, allow_pickle=False)
        if cached.shape[:1] == frames.shape[:1]:
            return cached
        log.debug("activation cache: %s has %s rows for %d frames; recomputing", path, cached.shape, len(frames))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError) as err:  # unreadable: recompute and replace it
        log.debug("activation cache: %s unreadable (%s); recomputing", path, err)
    out = compute()
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.save(f, out, allow_pickle=False)
    except (EnvironmentFault, OSError) as err:  # a cache that cannot be written is passed over, not an error
        log.debug("activation cache: not written (%s)", err)
    return out
