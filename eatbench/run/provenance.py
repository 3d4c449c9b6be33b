"""Cache keys and provenance: what a generated video, a series and a judge are keyed by, and what a
run records about the code and machine that made it.

- :func:`video_key`: ``sha256(method, variant, method version, weights hash, dataset, clip, emotion,
  seed, preprocessing version[, identity clip][, input])``: a stored, intact video under this key is reused;
- :func:`series_key`: the result set (method, variant, version, weights, dataset, split, seed,
  emotion override, profile and the exact clip list);
- :func:`judge_hash`: sha256 over the weight files a metric's judges load, part of every metric key;
- :func:`git_commit`, :func:`machine_info`, :func:`eatbench_version`: recorded with every run.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eatbench.clip import Clip
from eatbench.methods.base import Method
from eatbench.metrics.base import Metric
from eatbench.paths import file_hash
from eatbench.run.config import RunConfig, series_label
from eatbench.store import SeriesClip, SeriesRecord, VideoRecord, canonical_json


def intact(row: VideoRecord) -> bool:
    """The stored video file exists and still has the recorded content hash."""
    path = Path(row.path or "")
    return path.is_file() and file_hash(path) == row.video_hash


def judge_hash(metric: Metric) -> str:
    """sha256 over the weight files a metric's judges load ('' when it needs none).

    Raises:
        MissingWeightsError: a needed file is absent.
    """
    if not metric.weights:
        return ""
    from eatbench.judges.weights import resolve_weights

    h = hashlib.sha256()
    for name in metric.weights:
        h.update(name.encode())
        h.update(file_hash(Path(resolve_weights(name, metric.profile))).encode())
    return h.hexdigest()


def video_key(
    method: Method,
    weights_hash: str,
    dataset: str,
    clip: Clip,
    emotion: str | None,
    seed: int,
    identity: Clip | None = None,
    input_key: str = "",
) -> str:
    """The generated video's cache key.

    The identity clip counts when it is not the clip itself; ``input_key`` (what the method reads
    besides the clip, e.g. the ingested file's hash) when it is not empty.
    """
    from eatbench.preprocess.prepare import PREP_VERSION  # the rules of the prepared inputs the method read

    fields: dict[str, Any] = {
        "method": method.name,
        "variant": method.variant,
        "version": method.version,
        "weights": weights_hash,
        "dataset": dataset,
        "clip": clip.clip_id,
        "emotion": emotion,
        "seed": seed,
        "prep": PREP_VERSION,
    }
    if identity is not None and identity.clip_id != clip.clip_id:
        fields["identity"] = identity.clip_id
    if input_key:
        fields["input"] = input_key
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def series_key(
    method: Method,
    variant: str | None,
    weights_hash: str,
    dataset: str,
    split: str | None,
    seed: int,
    emotion: str | None,
    profile: str | None,
    clips: list[Clip],
) -> str:
    """The key of a result set (24 hex digits)."""
    fields = {
        "method": method.name,
        "variant": variant,
        "version": method.version,
        "weights": weights_hash,
        "dataset": dataset.lower(),
        "split": split,
        "seed": seed,
        "emotion": emotion,
        "profile": profile,
        "clips": [c.clip_id for c in clips],
    }
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()[:24]


def series_record(
    series: str,
    method: Method,
    cfg: RunConfig,
    config: dict[str, Any],
    weights_hash: str,
    clips: list[Clip],
    identity: dict[str, Clip],
    keys: dict[str, str],
    target_emotion: Callable[[Clip], str],
) -> SeriesRecord:
    """What the store records about a series: its identity, the run config and the clips' video keys."""
    return SeriesRecord(
        series=series,
        label=series_label(method.name, cfg.variant),
        method=method.name,
        variant=cfg.variant,
        dataset=cfg.dataset.lower(),
        split=cfg.split,
        profile=cfg.profile or "official",
        seed=cfg.seed,
        emotion=cfg.emotion,
        config={
            **config,
            "method_version": method.version,
            # Which face each clip was generated from (eatbench.clip.identity_clips).
            "identity": {c.clip_id: identity[c.clip_id].clip_id for c in clips},
            "weights_hash": weights_hash,
            "emotion_controlled": method.emotion_controlled,
            "clip_dataset": clips[0].dataset,  # the corpus read (demo, for the MEAD adapter on it)
            "kind": getattr(method, "kind", "method"),
            "display": getattr(method, "display", None),
        },
        clips=tuple(SeriesClip(c.clip_id, keys[c.clip_id], target_emotion(c)) for c in clips),
    )


def git_commit() -> str:
    """The commit of this checkout (``-dirty`` with uncommitted changes), or ``unknown``."""
    here = Path(__file__).resolve().parents[2]
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine_info() -> dict[str, Any]:
    """Host, platform, Python, CPU count and the versions of the packages that change numbers."""
    from importlib.metadata import PackageNotFoundError, version

    info: dict[str, Any] = {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    for pkg in ("torch", "numpy", "diffusers"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        info["cuda_visible_devices"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return info


def eatbench_version() -> str:
    from eatbench import __version__

    return __version__
