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
WINDOW_FRAMES = 5  # frames per SyncNet window; a clip needs one more (N = min_length - 5 windows)


def sync_scores(sample: Sample, profile: str = "official", vshift: int = 15, batch_size: int = 20) -> Any:
    """The :class:`~eatbench.judges.functional.lse.LSEResult` of a clip, or None when it is too short.

    Computed once per (clip, profile, vshift) and kept in ``sample.cache``.
    """
    key = f"syncnet:{profile}:{vshift}"
    if key not in sample.cache:
        from eatbench.io import Audio, check_speech
        from eatbench.judges.functional.lse import SAMPLES_PER_FRAME, lse
        from eatbench.judges.syncnet import syncnet_for

        clip = sample.clip_id or "clip"
        if sample.audio is None:
            raise InputError(f"{clip}: LSE-D/LSE-C need the clip's audio track")
        n_windows = min(len(sample.gen), len(sample.audio) // SAMPLES_PER_FRAME) - WINDOW_FRAMES
        if n_windows < 1:
            sample.cache[key] = None  # counted as skipped; no_value_reason says why
        else:
            # Silent audio drives nothing: n/a with the reason `eatbench generate` gives for it.
            check_speech(Audio.from_int16(sample.audio), f"{clip} audio", min_seconds=0.0)
            sample.cache[key] = lse(syncnet_for(profile), sample.gen, sample.audio, vshift, batch_size)
    return sample.cache[key]


def _state(metric: Metric, sample: Sample, field: str) -> dict[str, Any]:
    """Sums and counts, plus ``offset_hist``: clips per AV offset −vshift..+vshift (mergeable by summing),
    so a table can say how many clips of a series came out at a given offset (shifted-audio's delay)."""
    vshift = metric.settings.get("vshift", 15)
    hist = [0] * (2 * vshift + 1)
    result = sync_scores(sample, metric.profile, **metric.settings)
    if result is None:
        return {"sum": 0.0, "n": 0, "skipped": 1, "abs_offset_sum": 0, "offset_hist": hist}
    hist[result.offset + vshift] = 1
    state = {"sum": float(getattr(result, field)), "n": 1, "skipped": 0, "abs_offset_sum": abs(result.offset)}
    return {**state, "offset_hist": hist}


def offset_counts(state: dict[str, Any]) -> dict[int, int]:
    """``{offset: clips}`` of a (merged) LSE state, offsets in frames (positive: the audio leads).

    >>> offset_counts({"offset_hist": [0, 2, 1]})
    {0: 2, 1: 1}
    """
    hist = state.get("offset_hist") or []
    vshift = (len(hist) - 1) // 2
    return {k - vshift: int(n) for k, n in enumerate(hist) if n}


class _LSEMetric(Metric):
    """What LSE-D and LSE-C share: one SyncNet pass per clip and the state layout."""

    def no_value_reason(self, state: dict[str, Any]) -> str:
        clips = state.get("skipped", 0)
        return (
            f"{'the clip is' if clips == 1 else f'{clips} clips are'} too short for one 5-frame SyncNet window "
            f"(LSE needs at least {WINDOW_FRAMES + 1} frames and {(WINDOW_FRAMES + 1) / 25:.2f} s of audio at 25 fps)"
        )

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        """``{"offsets": {"<frames>": clips}}``: where SyncNet put each clip (JSON keys are strings)."""
        return {"offsets": {str(k): n for k, n in offset_counts(state).items()}}

    def settings_key(self) -> dict[str, Any]:
        # "state" names the stored layout, so states cached before offset_hist existed are never merged in.
        return {**super().settings_key(), "state": "offset-hist"}


def _mean(state: dict[str, Any]) -> float:
    return state["sum"] / state["n"] if state.get("n") else math.nan


@METRICS.register("lse-d")
class LSEDistance(_LSEMetric):
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
class LSEConfidence(_LSEMetric):
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
