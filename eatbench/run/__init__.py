"""Runs: generate → check → score → store, cached, resumable and sharded.

- :mod:`eatbench.run.config`: :class:`RunConfig` (what a run does, validated) and :func:`series_label`;
- :mod:`eatbench.run.provenance`: cache keys (videos, series, judges) and what a run records;
- :mod:`eatbench.run.shard`: which clips a process takes, and the barrier between processes;
- :mod:`eatbench.run.loop`: :class:`Runner`, the loop itself;
- :mod:`eatbench.run.summary`: per-clip outcomes, pooling over a series, the run summary.
"""

from eatbench.run.config import PROFILES, RunConfig, series_label
from eatbench.run.loop import Runner, resolve_metrics
from eatbench.run.provenance import git_commit, judge_hash, machine_info, series_key, video_key
from eatbench.run.shard import shard_info
from eatbench.run.summary import ClipOutcome, MetricSummary, RunHadFailures, RunSummary, failures_error, pool

__all__ = [
    "PROFILES",
    "ClipOutcome",
    "MetricSummary",
    "RunConfig",
    "RunHadFailures",
    "RunSummary",
    "Runner",
    "failures_error",
    "git_commit",
    "judge_hash",
    "machine_info",
    "pool",
    "resolve_metrics",
    "series_key",
    "series_label",
    "shard_info",
    "video_key",
]
