"""Fill a results store with known numbers, for the table and figure tests."""

from __future__ import annotations

from typing import Any

from eatbench.store import MetricKey, PooledValue, ResultsStore, SeriesClip, SeriesRecord


def add_series(
    store: ResultsStore,
    method: str,
    metrics: dict[str, Any],
    *,
    variant: str | None = None,
    dataset: str = "demo",
    kind: str = "method",
    emotion_controlled: bool = False,
    profile: str = "demo",
    config: dict[str, Any] | None = None,
    videos: tuple[str, ...] = (),
) -> str:
    """Store a series whose pooled values are ``metrics`` (value, or (value, n, expected, failed), or a reason),
    over clips whose videos have the cache keys ``videos``."""
    label = method if variant is None else f"{method}[{variant}]"
    series = f"{label}@{dataset}" if profile == "demo" else f"{label}@{dataset}/{profile}"  # the runner's keys hold it
    series += f"#{'-'.join(videos)}" if videos else ""
    store.put_series(
        SeriesRecord(
            series=series,
            label=label,
            method=method,
            variant=variant,
            dataset=dataset,
            split="test",
            profile=profile,
            seed=0,
            emotion=None,
            config={"kind": kind, "emotion_controlled": emotion_controlled, **(config or {})},
            clips=tuple(SeriesClip(f"clip{i}", key, None) for i, key in enumerate(videos)),
        )
    )
    for name, v in metrics.items():
        if isinstance(v, str):
            store.set_unavailable(series, name, v)
            continue
        value, n, expected, failed, extra = (v, 4, 4, 0, {}) if not isinstance(v, tuple) else (*v, {})[:5]
        if isinstance(v, tuple) and len(v) == 5:
            value, n, expected, failed, extra = v
        key = MetricKey(name, f"{name}/v1", "", "{}")
        store.put_pooled(series, PooledValue(key, value, n, expected, failed, {}, extra, run_id=1))
    return series
