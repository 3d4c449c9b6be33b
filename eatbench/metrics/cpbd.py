"""CPBD sharpness of the generated frames (no reference), the python-cpbd algorithm (reference §2).

Frames are converted to ITU-R 601 grayscale 0..255 (OpenCV ``RGB2GRAY``, as talking-face scripts
feed ``cpbd.compute``), scored one by one with
:func:`~eatbench.metrics.functional.cpbd.cpbd` (equal to ``cpbd.compute`` of ``cpbd`` 1.0.7 /
``cpbd-py312`` 1.0.3) and averaged over all frames pooled.

Example:
    >>> import numpy as np
    >>> from eatbench.metrics.base import Sample
    >>> m = CPBD()
    >>> m.value(m.clip_state(Sample(gen=np.full((2, 64, 64, 3), 128, np.uint8))))  # flat: no edges
    0.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eatbench.metrics.base import METRICS, Metric, Sample
from eatbench.metrics.functional.cpbd import cpbd
from eatbench.metrics.shared import gray_frames


@METRICS.register("cpbd")
class CPBD(Metric):
    """Cumulative probability of blur detection of generated frames, frames pooled (higher = sharper)."""

    name = "cpbd"
    display = "CPBD"
    higher_is_better = True
    needs = ()
    protocol = "python-cpbd@1.0.7/gray-bt601-255/frame-pooled@v1"

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        values = np.array([cpbd(g) for g in gray_frames(sample)], np.float64)
        return {"sum": float(values.sum()), "frames": len(values)}

    def value(self, state: dict[str, Any]) -> float:
        if not state or state.get("frames", 0) == 0:
            return float("nan")
        return state["sum"] / state["frames"]
