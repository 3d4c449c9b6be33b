"""What a run reports: per-clip outcomes, pooled metric values, and the summary of the series.

:func:`pool` merges every clip's stored state per metric over the whole series, in clip order
(:meth:`Metric.merge`), so a resumed, sharded or multi-worker run gives exactly the numbers of one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.metrics.base import Metric
from eatbench.store import MetricKey, PooledValue, ResultsStore


@dataclass
class ClipOutcome:
    """What happened to one clip (passed to the progress callback)."""

    clip_id: str
    generated: bool  # False when the video came from the cache
    failed: str | None  # the error, if the clip failed (generation, or a metric on it)
    computed: list[str] = field(default_factory=list)  # metrics computed now (the rest came from the cache)
    reused_failure: bool = False  # a deterministic failure of an earlier run, not tried again


@dataclass
class MetricSummary:
    name: str
    display: str
    higher_is_better: bool
    protocol: str
    value: float | None
    n_clips: int
    n_expected: int
    n_failed: int
    reason: str = ""  # why the value is missing (n/a)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, m: Metric, value: float | None, n: int, expected: int, failed: int, reason: str = "", extra=None):
        return cls(m.name, m.display, m.higher_is_better, m.protocol, value, n, expected, failed, reason, extra or {})


@dataclass
class RunSummary:
    series: str
    label: str
    run_id: int
    n_clips: int  # in the series (all shards)
    n_shard: int  # handled by this process (or by the workers)
    generated: int
    reused: int
    failed: dict[str, str]  # clip id -> error (this process, or the workers)
    computed: int  # metric values computed by this process (or the workers)
    seconds: float
    metrics: list[MetricSummary]
    reused_failures: list[str] = field(default_factory=list)  # failed clips whose failure came from the cache
    variant: str | None = None  # the method's variant (its default too: 'full'); None without variants


class RunHadFailures(EatbenchError):
    """A run finished, but some clips failed: their values are missing from the pooled numbers.

    Exit code 1, the code of a command that ran but whose check failed (``eatbench.errors``): 2 is a
    usage error (nothing run, or the run stopped), 4 a fault of the environment that stopped the command.
    """

    exit_code: int = 1


def failures_error(summary: RunSummary) -> RunHadFailures | None:
    """The error a command raises after printing the summary of a run with failed clips (None: none)."""
    n = len(summary.failed)
    if not n:
        return None
    reused = len(summary.reused_failures)
    why = (
        f"; {reused} of them failed the same way in an earlier run with the same inputs (deterministic, "
        "not tried again: --retry-failed tries them)"
        if reused
        else ""
    )
    return RunHadFailures(
        f"{n} of {summary.n_shard} clips failed{why}; the pooled values leave them out. Failures of the "
        "environment (disk, missing inputs, interruptions) are retried by running the same command"
    )


def active_metrics(store: ResultsStore, series: str, metrics: list[Metric]) -> dict[str, tuple[Metric, MetricKey]]:
    """The metrics that can run, with their cache keys; one whose judge weights are missing is n/a
    for the series (recorded with the reason)."""
    from eatbench.errors import MissingWeightsError
    from eatbench.run.provenance import judge_hash
    from eatbench.store import canonical_json

    active: dict[str, tuple[Metric, MetricKey]] = {}
    for m in metrics:
        try:
            jh = judge_hash(m)
        except MissingWeightsError as err:
            store.set_unavailable(series, m.name, str(err))
            continue
        store.set_unavailable(series, m.name, None)
        active[m.name] = (m, MetricKey(m.name, m.protocol, jh, canonical_json(m.settings_key())))
    return active


def pool(
    store: ResultsStore,
    series: str,
    metrics: list[Metric],
    active: dict[str, tuple[Metric, MetricKey]],
    run_id: int | None,
) -> list[MetricSummary]:
    """Merge every clip's stored state per metric, in clip order, and store the pooled value."""
    record = store.get_series(series)
    entries = record.clips if record is not None else ()
    videos = store.get_videos([e.key for e in entries])
    unavailable = store.get_unavailable(series)
    keys = [key for _, key in active.values()]
    stored = {  # one query per video for every active metric
        v.video_hash: store.get_metric_values(v.video_hash, keys)
        for v in videos.values()
        if v.status == "ok" and v.video_hash is not None
    }
    out: list[MetricSummary] = []
    for m in metrics:
        if m.name not in active:
            out.append(MetricSummary.of(m, None, 0, len(entries), 0, unavailable.get(m.name, "not computed")))
            continue
        _, key = active[m.name]
        states, n_failed = [], 0
        for e in entries:
            v = videos.get(e.key)
            if v is None or v.status != "ok" or v.video_hash is None:
                n_failed += v is not None
                continue
            got = stored[v.video_hash].get(m.name)
            if got is None:
                continue
            if got.status != "ok" or got.state is None:
                n_failed += 1
                continue
            states.append(got.state)
        value, extra, reason = None, {}, ""
        if states:
            merged = m.merge(states)
            try:
                value = float(m.value(merged))
                extra = m.details(merged)
            except (ValueError, ArithmeticError) as err:
                reason = one_line(err)
            store.put_pooled(
                series,
                PooledValue(key, value, len(states), len(entries), n_failed, merged, extra, run_id),
            )
        else:
            reason = "no clip scored"
        out.append(MetricSummary.of(m, value, len(states), len(entries), n_failed, reason, extra))
    return out


def one_line(err: BaseException, limit: int = 500) -> str:
    """``Type: message`` on one line, at most ``limit`` characters."""
    text = " ".join(f"{type(err).__name__}: {err}".split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
