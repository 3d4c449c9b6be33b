"""The rows of the results store as typed records: what the runner hands the store and gets back.

Every table of :mod:`eatbench.store` has one frozen dataclass here. The runner builds them and the
store writes their fields; the store reads rows back into them. JSON columns (configs, clip lists,
extras) are decoded, metric states unpacked.

Records also answer ``record["field"]`` (the same as ``record.field``) for code written against the
dict rows of schema 1 (eatbench/report), until it reads attributes.

Example:
    >>> MetricKey("psnr", "p@v1", "", "{}").metric
    'psnr'
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

# What became of one generation or metric computation.
Status = Literal["ok", "failed"]
# Why a run row is not "running": see RunRecord.shown_status.
RunStatus = Literal["running", "finished", "interrupted", "failed"]


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the form hashed into cache keys and compared in SQL."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def pack_state(state: dict[str, Any]) -> bytes:
    """A metric state as zlib-compressed JSON (floats round-trip exactly through ``repr``)."""
    return zlib.compress(json.dumps(state, separators=(",", ":")).encode(), 6)


def unpack_state(blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else json.loads(zlib.decompress(blob))


class _ItemAccess:
    """``record["label"]`` reads ``record.label`` (transitional: the dict rows of schema 1)."""

    def __getitem__(self, name: str) -> Any:
        if name.startswith("_") or not hasattr(self, name):
            raise KeyError(name)
        return getattr(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)


@dataclass(frozen=True)
class MetricKey:
    """What a per-clip metric value is keyed by, besides the generated video's hash."""

    metric: str
    protocol: str
    judge_hash: str
    settings: str  # canonical JSON of Metric.settings_key()


@dataclass(frozen=True)
class SeriesClip(_ItemAccess):
    """One clip of a series: its id, the cache key of its video and its target emotion."""

    clip_id: str
    key: str
    emotion: str | None


@dataclass(frozen=True)
class SeriesRecord(_ItemAccess):
    """A result set: method, variant, dataset, split, seed, emotion override, profile and its clips."""

    series: str
    label: str
    method: str
    variant: str | None
    dataset: str
    split: str | None
    profile: str
    seed: int
    emotion: str | None
    config: dict[str, Any]
    clips: tuple[SeriesClip, ...]
    updated: float = 0.0

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> SeriesRecord:
        clips = tuple(SeriesClip(**c) for c in json.loads(r["clips"]))
        return cls(**{**r, "config": json.loads(r["config"]), "clips": clips})


@dataclass(frozen=True)
class RunRecord(_ItemAccess):
    """One process of a run (a shard or a worker), and how it ended."""

    id: int
    series: str
    started: float
    status: RunStatus
    command: str
    version: str
    git_commit: str
    config: dict[str, Any]
    profile: str
    machine: dict[str, Any]
    shard: int = 0
    num_shards: int = 1
    finished: float | None = None
    n_failed: int = 0  # clips that failed (generation or a metric) in this process
    error: str | None = None  # why a run stopped (status failed)
    host: str = ""
    pid: int | None = None
    proc_start: str = ""  # the process's start token: a reused pid is not taken for the run
    scratch: str | None = None  # the run's temporary folder, removed when it ends or is found dead

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> RunRecord:
        return cls(**{**r, "config": json.loads(r["config"]), "machine": json.loads(r["machine"])})

    @property
    def shown_status(self) -> str:
        """``finished``, ``finished, 2 failed``, ``interrupted``, ``failed: <why>`` or ``running``."""
        if self.status == "finished" and self.n_failed:
            return f"finished, {self.n_failed} failed"
        if self.status == "failed" and self.error:
            return f"failed: {self.error}"
        return self.status


@dataclass(frozen=True)
class VideoRecord(_ItemAccess):
    """A generated video (status ``ok``) or a failed generation (``failed``, with the error and its kind)."""

    key: str
    method: str
    variant: str | None
    method_version: str
    weights_hash: str
    dataset: str
    clip_id: str
    emotion: str | None
    seed: int
    status: Status
    path: str | None = None
    video_hash: str | None = None
    error: str | None = None
    failure: str | None = None  # the failure kind (eatbench.methods.contract.FailureKind)
    seconds: float | None = None
    run_id: int | None = None
    created: float = 0.0


@dataclass(frozen=True)
class MetricValue(_ItemAccess):
    """One clip's result for one metric: its mergeable state and value, or the error."""

    key: MetricKey
    status: Status
    state: dict[str, Any] | None = None
    value: float | None = None
    error: str | None = None
    failure: str | None = None  # "crash" (deterministic) or "environment" (retried)
    seconds: float | None = None
    run_id: int | None = None
    video_hash: str = ""
    created: float = 0.0

    @property
    def metric(self) -> str:
        return self.key.metric

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> MetricValue:
        return cls(
            key=MetricKey(r["metric"], r["protocol"], r["judge_hash"], r["settings"]),
            status=r["status"],
            state=unpack_state(r.get("state")),
            value=r["value"],
            error=r["error"],
            failure=r.get("failure"),
            seconds=r["seconds"],
            run_id=r["run_id"],
            video_hash=r["video_hash"],
            created=r["created"],
        )


@dataclass(frozen=True)
class PooledValue(_ItemAccess):
    """A metric's merged state and value over a series, with the clips counted."""

    key: MetricKey
    value: float | None
    n_clips: int
    n_expected: int
    n_failed: int
    state: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    run_id: int | None = None
    updated: float = 0.0

    @property
    def metric(self) -> str:
        return self.key.metric

    @property
    def protocol(self) -> str:
        return self.key.protocol

    @classmethod
    def from_row(cls, r: dict[str, Any]) -> PooledValue:
        return cls(
            key=MetricKey(r["metric"], r["protocol"], r["judge_hash"], r["settings"]),
            value=r["value"],
            n_clips=r["n_clips"],
            n_expected=r["n_expected"],
            n_failed=r["n_failed"],
            state=unpack_state(r["state"]),
            extra=json.loads(r["extra"]),
            run_id=r["run_id"],
            updated=r["updated"],
        )
