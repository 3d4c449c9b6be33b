"""Gathering a table's numbers from the results store, and the small formatting rules every table shares.

:func:`collect` reads the latest series of each label on a dataset as a :class:`SeriesResult`: its
pooled metric values (:class:`Measured`, with clip counts) and, for a metric that could not run, the
stored reason. :func:`sort_results` puts them in the paper's order.

Example:
    >>> rank([3.0, None, 5.0, 4.0], higher_is_better=True)
    [0, 0, 1, 2]
    >>> fmt(0.12345, 2), delta(1.0, 1.5, 2)
    ('0.12', '-0.50')
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eatbench.report import paper
from eatbench.store import ResultsStore, SeriesRecord


@dataclass
class Measured:
    """One metric of one series, as stored."""

    value: float | None
    protocol: str = ""
    n_clips: int = 0
    n_expected: int = 0
    n_failed: int = 0
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    profile: str = ""  # the judge profile of the series it came from


@dataclass
class SeriesResult:
    """The latest series of one label on one dataset."""

    label: str
    method: str
    variant: str | None
    dataset: str
    profile: str
    kind: str
    display: str
    emotion_controlled: bool
    metrics: dict[str, Measured]
    data: str = ""  # the dataset the clips came from (``demo`` for the MEAD adapter on the demo corpus)

    def __post_init__(self) -> None:
        self.data = self.data or self.dataset


def data_used(series: SeriesRecord) -> str:
    """The dataset a series' clips came from, which a table labels its block with and compares to the paper.

    The runner records it (``clip_dataset``); for a series stored before it did, a MEAD series whose
    root holds the demo corpus's manifest used the demo corpus.
    """
    from eatbench.datasets.mead import DEMO_MANIFEST

    cfg = series.config
    if cfg.get("clip_dataset"):
        return str(cfg["clip_dataset"]).lower()
    root = cfg.get("root")
    if series.dataset.lower() == "mead" and root and (Path(root) / DEMO_MANIFEST).is_file():
        return "demo"
    return series.dataset.lower()


PORTABLE = "portable"


def _measured(store: ResultsStore, s: SeriesRecord) -> dict[str, Measured]:
    metrics = {
        name: Measured(p.value, p.protocol, p.n_clips, p.n_expected, p.n_failed, extra=p.extra, profile=s.profile)
        for name, p in store.get_pooled(s.series).items()
    }
    for name, reason in store.get_unavailable(s.series).items():
        metrics.setdefault(name, Measured(None, reason=reason, profile=s.profile))
    return metrics


def scored_series(store: ResultsStore, dataset: str, only: Collection[str] | None = None) -> list[SeriesRecord]:
    """The series of ``dataset`` that have results (a pooled value or an n/a reason), oldest update first;
    with ``only``, among those series ids only (a reproduction shows the series it ran, not the whole store)."""
    return [
        s
        for s in store.list_series(dataset)  # ordered by update time
        if (only is None or s.series in only) and (store.get_pooled(s.series) or store.get_unavailable(s.series))
    ]


def collect(store: ResultsStore, dataset: str, only: Collection[str] | None = None) -> list[SeriesResult]:
    """The most recent series of each label on ``dataset`` that has results, oldest label first; with
    ``only``, among those series ids only (a reproduction reports the series it ran, not the whole store).

    A label scored both with the portable judges (``--profile portable``) and with another profile keeps
    the other profile's latest series and takes from its latest portable series what that one measured
    and the other did not (the portable columns), each value tagged with the profile that produced it,
    so a reproduction shows the paper's columns and the portable ones side by side. The two are merged
    only when they scored the same videos (the same cache keys): the label's newest series decides
    which videos the row reports, and a series of other videos (older weights, other clips) is left out.
    """
    by_label: dict[str, list[SeriesRecord]] = {}
    for s in scored_series(store, dataset, only):
        by_label.setdefault(s.label, []).append(s)
    latest: dict[str, SeriesRecord] = {}
    latest_portable: dict[str, SeriesRecord] = {}
    for label, found in by_label.items():
        videos = _videos(found[-1])
        same = [s for s in found if _videos(s) == videos]
        for s in same:
            (latest_portable if s.profile == PORTABLE else latest)[label] = s
        latest.setdefault(label, latest_portable.get(label, found[-1]))
    t1_names = list(paper.published_table1("mead"))
    out = []
    for s in latest.values():
        metrics = _measured(store, s)
        extra = latest_portable.get(s.label)
        if extra is not None and extra is not s:
            for name, m in _measured(store, extra).items():
                if m.value is not None and (name not in metrics or metrics[name].value is None):
                    metrics[name] = m
        display = s.config.get("display") or paper.paper_name(s.method, t1_names) or s.method
        if s.variant:
            display = f"{display} ({s.variant})"
        out.append(
            SeriesResult(
                s.label,
                s.method,
                s.variant,
                s.dataset,
                s.profile,
                s.config.get("kind", "method"),
                display,
                bool(s.config.get("emotion_controlled")),
                metrics,
                data_used(s),
            )
        )
    return out


def _videos(s: SeriesRecord) -> set[str]:
    """The cache keys of the videos a series scored."""
    return {c.key for c in s.clips}


def paper_order(name: str) -> tuple[int, str]:
    """Sort key: the paper's method order (Table I), then other names alphabetically."""
    order = [paper.normalise(n) for n in paper.published_table1("mead")]
    n = paper.normalise(paper.paper_name(name, list(paper.published_table1("mead"))) or name)
    return (order.index(n) if n in order else len(order), name)


def sort_results(results: list[SeriesResult]) -> list[SeriesResult]:
    """The paper's method order first (Table I), then other methods by label; reference methods last."""
    return sorted(results, key=lambda r: (r.kind == "reference", paper_order(r.method)[0], r.label))


def fmt(x: float | None, digits: int) -> str:
    """A value with ``digits`` decimals; a missing value is a dash."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def delta(a: float | None, b: float | None, digits: int) -> str:
    """``a − b`` with its sign, or a dash when either is missing."""
    if a is None or b is None:
        return "—"
    return f"{a - b:+.{digits}f}"


def rank(values: list[float | None], higher_is_better: bool) -> list[int]:
    """1 for the best value, 2 for the second (ties share a rank), 0 otherwise."""
    present = sorted({v for v in values if v is not None and not math.isnan(v)}, reverse=higher_is_better)
    order = {v: i + 1 for i, v in enumerate(present[:2])}
    return [order.get(v, 0) if v is not None else 0 for v in values]
