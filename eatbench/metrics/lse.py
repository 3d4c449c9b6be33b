"""LSE-D and LSE-C (Prajwal et al. 2020, "Wav2Lip"): SyncNet distance and confidence of lip sync.

The syncnet_python ``evaluate`` algorithm (metrics-protocols.md §1.2) on our aligned 256×256 face crops
resized to 224 (the Wav2Lip "LRS" protocol, ``calculate_scores_LRS.py``): one value per video, the
dataset value is the plain mean over videos. Both metrics share one SyncNet pass per clip
(``sample.cache``). Frames are taken losslessly (no JPEG round trip as in the reference's ffmpeg
extraction); videos shorter than 6 frames give no window and are counted as skipped, never scored.

Example:
    >>> LSEDistance.display, LSEDistance.higher_is_better, LSEConfidence.higher_is_better
    ('LSE-D', False, True)
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from eatbench.errors import InputError
from eatbench.metrics.base import METRICS, Metric, Needs, Sample

PROTOCOL = "syncnet_python@6efbb1c/wav2lip-lrs-v1"  # direct cv2 resize to 224, BGR 0..255, int16 MFCC


def sync_scores(sample: Sample, profile: str = "official", vshift: int = 15, batch_size: int = 20) -> Any:
    """The :class:`~eatbench.metrics.functional.lse.LSEResult` of a clip, or None when it is too short.

    Computed once per (clip, profile, vshift) and kept in ``sample.cache``.
    """
    key = f"syncnet:{profile}:{vshift}"
    if key not in sample.cache:
        from eatbench.judges.syncnet import syncnet_for
        from eatbench.metrics.functional.lse import SAMPLES_PER_FRAME, lse

        if sample.audio is None:
            raise InputError(f"{sample.clip_id or 'clip'}: LSE-D/LSE-C need the clip's audio track")
        net = syncnet_for(profile)
        n_windows = min(len(sample.gen), len(sample.audio) // SAMPLES_PER_FRAME) - 5
        sample.cache[key] = None if n_windows < 1 else lse(net, sample.gen, sample.audio, vshift, batch_size)
    return sample.cache[key]


def _state(metric: Metric, sample: Sample, field: str) -> dict[str, Any]:
    result = sync_scores(sample, metric.profile, **metric.settings)
    if result is None:
        return {"sum": 0.0, "n": 0, "skipped": 1, "abs_offset_sum": 0}
    return {"sum": float(getattr(result, field)), "n": 1, "skipped": 0, "abs_offset_sum": abs(result.offset)}


def _mean(state: dict[str, Any]) -> float:
    return state["sum"] / state["n"] if state.get("n") else math.nan


@METRICS.register("lse-d")
class LSEDistance(Metric):
    """LSE-D: the minimum over offsets of the mean SyncNet feature distance (lower is better)."""

    name: ClassVar[str] = "lse-d"
    display: ClassVar[str] = "LSE-D"
    higher_is_better: ClassVar[bool] = False
    needs: ClassVar[tuple[Needs, ...]] = ("audio",)
    protocol: ClassVar[str] = PROTOCOL
    weights: ClassVar[tuple[str, ...]] = ("syncnet",)

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        return _state(self, sample, "lse_d")

    def value(self, state: dict[str, Any]) -> float:
        return _mean(state)


@METRICS.register("lse-c")
class LSEConfidence(Metric):
    """LSE-C: median minus minimum of the mean SyncNet distances over offsets (higher is better)."""

    name: ClassVar[str] = "lse-c"
    display: ClassVar[str] = "LSE-C"
    higher_is_better: ClassVar[bool] = True
    needs: ClassVar[tuple[Needs, ...]] = ("audio",)
    protocol: ClassVar[str] = PROTOCOL
    weights: ClassVar[tuple[str, ...]] = ("syncnet",)

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        return _state(self, sample, "lse_c")

    def value(self, state: dict[str, Any]) -> float:
        return _mean(state)
