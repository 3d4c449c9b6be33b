"""A judge's activations of ground-truth frames, kept on disk by content: computed once, not once per method.

FID runs the FID-Inception on the ground-truth frames of every clip for every method it scores, and
those frames (the preprocessed clip) are the same for every method: a Table I of nine series ran the
same network on the same frames nine times. :func:`cached_activations` keys the result by what
determines it — the judge (the sha256 of its weight files), the settings that reach the network
(the batch size, the metric's protocol), the code that builds and feeds the network, the engines'
versions, the CPU and the thread count, the frames' shape, dtype and bytes, and :data:`VERSION` — and keeps it as a
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
import platform
from collections.abc import Callable, Sequence
from functools import lru_cache
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


@lru_cache(maxsize=1)
def _machine() -> dict[str, str]:
    """What else can change a float's last bits: the engines' versions and the CPU (kernels differ by ISA)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"machine": platform.machine(), "cpu": ""}
    for package in ("onnxruntime", "torch", "numpy"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            out["cpu"] = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return out


def activation_key(judge: str, files: Sequence[Path], frames: np.ndarray, settings: dict[str, Any]) -> str:
    """sha256 over the judge's name, its files' contents (weights and code), the settings, the engines and CPU,
    and the frames (shape, dtype, bytes)."""
    import torch

    h = hashlib.sha256()
    head = {
        "judge": judge,
        "version": VERSION,
        "files": [file_hash(Path(p)) for p in files],
        "settings": settings,
        "threads": torch.get_num_threads(),  # the judges' ONNX Runtime sessions take torch's thread count
        "engine": _machine(),
        "shape": list(frames.shape),
        "dtype": frames.dtype.str,
    }
    h.update(json.dumps(head, sort_keys=True).encode())
    h.update(np.ascontiguousarray(frames).data)
    return h.hexdigest()


def cached_activations(
    judge: str,
    files: Sequence[Path],
    frames: np.ndarray,
    settings: dict[str, Any],
    compute: Callable[[], np.ndarray],
) -> np.ndarray:
    """``compute()``'s array for these frames and judge, from the cache when it holds it (see the module docstring).

    Args:
        judge: a name for the judge network (a folder of the cache).
        files: the files its output depends on: its weights and the code that builds and feeds the network
            (their contents are part of the key, so an edit to the judge's code misses the old entries).
        frames: the frames the network sees.
        settings: anything else that reaches the network and could change its output (batch size, protocol).
        compute: runs the network; its result must be a float32 array with one row per frame.
    """
    if not enabled():
        return compute()
    try:
        key = activation_key(judge, files, frames, settings)
        path = eatbench_home() / "cache" / "activations" / judge / key[:2] / f"{key}.npy"
    except (EnvironmentFault, OSError) as err:  # no usable EATBENCH_HOME: no cache, still a value
        log.debug("activation cache: off (%s)", err)
        return compute()
    try:
        cached = np.load(path, allow_pickle=False)
        if (
            isinstance(cached, np.ndarray)
            and cached.dtype == np.float32
            and cached.ndim == 2
            and cached.shape[0] == len(frames)
        ):
            return cached
        log.debug("activation cache: %s is not a float32 array of %d rows; recomputing", path, len(frames))
    except FileNotFoundError:
        pass
    except Exception as err:  # unreadable in any way (truncated, not an .npy, a zip): recompute and replace it
        log.debug("activation cache: %s unreadable (%s); recomputing", path, err)
    out = compute()
    try:
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            np.save(f, out, allow_pickle=False)
    except (EnvironmentFault, OSError) as err:  # a cache that cannot be written is passed over, not an error
        log.debug("activation cache: not written (%s)", err)
    return out
