"""The results store, read into the small view objects the HTML report draws.

This is the only module of :mod:`eatbench.report.html` that knows the store's rows: everything else
takes a :class:`DatasetView`. It uses the store's public read methods only (``list_series``,
``get_pooled``, ``get_unavailable``, ``get_videos``, ``get_metric_values``, ``list_runs``).

The rule for which series a dataset page shows is the tables' rule: the most recent series of each
label that has results (pooled values or an n/a reason). Per-clip values are read under exactly the
metric keys (protocol, judge weights hash, settings) of the series' pooled value, so a cell's number
is one of the numbers its table row averages.

Example:
    >>> from eatbench.store import ResultsStore  # doctest: +SKIP
    >>> view = read_dataset(ResultsStore(readonly=True), "demo")  # doctest: +SKIP
    >>> [s.label for s in view.series]  # doctest: +SKIP
    ['eatface', 'ground-truth', 'static-frame']
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.report.portable import portable
from eatbench.report.tables.gather import scored_series
from eatbench.store import ResultsStore, SeriesRecord


@dataclass(frozen=True)
class MetricInfo:
    """A metric column: its key, title, direction and the protocol ids the shown series used."""

    name: str
    display: str
    higher_is_better: bool
    protocols: tuple[str, ...]
    pooled: bool  # per-clip values do not exist (FID)


@dataclass
class SeriesView:
    """One series (a method or variant on a dataset split) and what produced it."""

    key: str
    label: str
    display: str
    method: str
    variant: str | None
    kind: str  # "method" or "reference"
    dataset: str
    split: str | None
    profile: str
    seed: int
    method_version: str
    weights_hash: str
    root: str | None
    protocols: dict[str, str]  # metric -> protocol id of its pooled value
    pooled: dict[str, float | None]  # metric -> the table's value
    unavailable: dict[str, str]  # metric -> reason
    runs: list[dict[str, Any]]  # id, git commit, command, status of each run of the series


@dataclass
class CellView:
    """One generated clip of one series: the video, its per-clip metric values and its provenance."""

    series: str  # the series label
    clip_id: str
    target_emotion: str | None
    status: str  # "ok", "failed" (generation failed) or "missing" (not generated yet)
    video_path: Path | None = None
    video_hash: str | None = None
    error: str = ""
    values: dict[str, float | None] = field(default_factory=dict)  # metric -> per-clip value
    metric_errors: dict[str, str] = field(default_factory=dict)  # metric -> why there is no value
    run_id: int | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class ClipView:
    """A clip of the dataset, with the fields a reader filters by."""

    clip_id: str
    actor: str
    emotion: str
    identity: str  # the clip whose reference frame the methods were given


@dataclass
class DatasetView:
    """Everything one dataset page shows."""

    name: str
    series: list[SeriesView]
    clips: list[ClipView]
    cells: dict[tuple[str, str], CellView]  # (series label, clip id) -> cell
    metrics: list[MetricInfo]

    def cell(self, label: str, clip_id: str) -> CellView | None:
        return self.cells.get((label, clip_id))


def list_datasets(store: ResultsStore) -> list[str]:
    """Datasets with at least one series that has results, in the order they first appear."""
    out: list[str] = []
    for s in store.list_series():
        if s.dataset not in out and (store.get_pooled(s.series) or store.get_unavailable(s.series)):
            out.append(s.dataset)
    return out


def _metric_info(name: str, protocols: list[str]) -> MetricInfo:
    from eatbench.metrics.registry import get_metric

    try:
        cls = get_metric(name)
        display, hib, pooled = cls.display, bool(cls.higher_is_better), bool(cls.pooled)
    except EatbenchError:  # a metric stored by another version of eatbench: show it plainly
        display, hib, pooled = name, True, False
    return MetricInfo(name, display, hib, tuple(sorted(set(protocols))), pooled)


def _clip_fields(clip_id: str, emotion: str | None) -> tuple[str, str]:
    """(actor, emotion) of a MEAD-style clip id ``{actor}_{emotion}_{level}_{sentence}_{view}``."""
    parts = clip_id.split("_")
    actor = parts[0] if len(parts) > 1 else ""
    label = parts[1] if len(parts) > 1 and parts[1] in EMOTIONS else (emotion or "")
    return actor, label


def read_dataset(store: ResultsStore, dataset: str, only: Collection[str] | None = None) -> DatasetView:
    """Read every shown series of ``dataset`` with its videos and per-clip metric values.

    Args:
        only: series ids to consider (those a reproduction scored); None: every series in the store.

    Raises:
        EatbenchError: the store holds no results for ``dataset`` (among ``only``).
    """
    # 1. The series: the latest of each label that has results (the tables' rule).
    latest: dict[str, SeriesRecord] = {s.label: s for s in scored_series(store, dataset, only)}
    if not latest:
        raise EatbenchError(f"no results stored for dataset {dataset!r}; run `eatbench run --dataset {dataset} ...`")
    runs_by_series = _runs(store)

    series: list[SeriesView] = []
    cells: dict[tuple[str, str], CellView] = {}
    clips: dict[str, ClipView] = {}
    protocols_seen: dict[str, list[str]] = {}
    for s in latest.values():
        view, series_cells, series_clips = _read_series(store, s, runs_by_series.get(s.series, []))
        series.append(view)
        for m, proto in view.protocols.items():
            protocols_seen.setdefault(m, []).append(proto)
        for m in view.unavailable:
            protocols_seen.setdefault(m, [])
        for c in series_clips:
            clips.setdefault(c.clip_id, c)
        cells.update({(view.label, c.clip_id): c for c in series_cells})

    # 3. Metric columns in the registry's order.
    from eatbench.metrics.registry import all_metrics

    order = [cls.name for cls in all_metrics()]
    names = sorted(protocols_seen, key=lambda m: (order.index(m) if m in order else len(order), m))
    metrics = [_metric_info(m, protocols_seen[m]) for m in names]
    series.sort(key=lambda v: (v.kind == "reference", v.label))
    # Clip ids are {actor}_{emotion}_{level}_{sentence}_{view}: sorted, they follow the dataset order.
    return DatasetView(dataset, series, sorted(clips.values(), key=lambda c: c.clip_id), cells, metrics)


def _runs(store: ResultsStore) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in store.list_runs():
        out.setdefault(r.series, []).append(
            {"id": r.id, "git_commit": r.git_commit, "command": r.command, "status": r.shown_status}
        )
    return out


def _read_series(
    store: ResultsStore, s: SeriesRecord, runs: list[dict[str, Any]]
) -> tuple[SeriesView, list[CellView], list[ClipView]]:
    """One stored series with each clip's video and its values under the pooled value's exact keys."""
    cfg = s.config
    pooled = store.get_pooled(s.series)
    keys = [p.key for p in pooled.values()]
    view = SeriesView(
        key=s.series,
        label=s.label,
        display=cfg.get("display") or s.label,
        method=s.method,
        variant=s.variant,
        kind=cfg.get("kind", "method"),
        dataset=s.dataset,
        split=s.split,
        profile=s.profile,
        seed=int(s.seed),
        method_version=str(cfg.get("method_version", "")),
        weights_hash=str(cfg.get("weights_hash", "")),
        root=cfg.get("root"),
        protocols={m: p.protocol for m, p in pooled.items()},
        pooled={m: p.value for m, p in pooled.items()},
        unavailable=store.get_unavailable(s.series),
        runs=runs,
    )
    identity = cfg.get("identity") or {}
    videos = store.get_videos([e.key for e in s.clips])
    cells, clips = [], []
    for entry in s.clips:
        cid = entry.clip_id
        actor, emotion = _clip_fields(cid, entry.emotion)
        clips.append(ClipView(cid, actor, emotion, identity.get(cid, cid)))
        row = videos.get(entry.key)
        cell = CellView(view.label, cid, entry.emotion, "missing")
        if row is not None:
            cell.status, cell.error, cell.run_id, cell.seconds = (
                row.status,
                row.error or "",
                row.run_id,
                row.seconds,
            )
            cell.target_emotion = row.emotion or cell.target_emotion
            if row.status == "ok":
                cell.video_path, cell.video_hash = Path(row.path), row.video_hash
                stored = store.get_metric_values(row.video_hash, keys)
                for k in keys:
                    got = stored.get(k.metric)
                    if got is None:
                        cell.metric_errors[k.metric] = "not computed for this clip"
                    elif got.status != "ok":
                        cell.metric_errors[k.metric] = portable(got.error or "failed")
                    elif got.value is None:
                        cell.metric_errors[k.metric] = "pooled over the series (no per-clip value)"
                    else:
                        cell.values[k.metric] = float(got.value)
        for m, reason in view.unavailable.items():
            cell.metric_errors.setdefault(m, f"n/a: {portable(reason)}")
        cells.append(cell)
    return view, cells, clips


def read_run(store: ResultsStore, run_id: int) -> tuple[SeriesView, list[CellView], list[ClipView]]:
    """The series a run (an id from ``eatbench results list``) belongs to, with its clips' videos.

    Raises:
        EatbenchError: no such run.
    """
    run = store.get_run(run_id)
    if run is None:
        raise EatbenchError(f"run {run_id}: no such run; `eatbench results list` shows them")
    s = next((x for x in store.list_series() if x.series == run.series), None)
    if s is None:
        raise EatbenchError(f"run {run_id}: its series is not in the store")
    return _read_series(store, s, _runs(store).get(s.series, []))


def latest_series(store: ResultsStore, dataset: str, label: str) -> tuple[SeriesView, list[CellView]] | None:
    """The most recent series called ``label`` on ``dataset`` (e.g. ``ground-truth``), or None."""
    found = [s for s in store.list_series(dataset) if s.label == label]
    if not found:
        return None
    view, cells, _ = _read_series(store, found[-1], _runs(store).get(found[-1].series, []))
    return view, cells


def dataset_clips(view: DatasetView | list[SeriesView]) -> tuple[dict[str, Any], str]:
    """The dataset's :class:`~eatbench.clip.Clip` records by id (for reference frames and audio), or an
    empty dict and the reason when the dataset cannot be read here (moved, another machine)."""
    from eatbench.datasets.registry import get_dataset

    series = view if isinstance(view, list) else view.series
    name = series[0].dataset if series else ""
    roots = {s.root for s in series}
    splits = {s.split for s in series}
    out: dict[str, Any] = {}
    try:
        for root in roots:
            adapter = get_dataset(name, root)
            for split in splits:
                out.update({c.clip_id: c for c in adapter.clips(split)})
    except EatbenchError as err:
        return {}, str(err)
    except OSError as err:
        return {}, f"dataset {name}: {err}"
    return out, ""


def provenance(series: SeriesView, cell: CellView) -> dict[str, Any]:
    """What produced a cell: method, variant, weights hash, seed, protocol ids, run (JSON-ready)."""
    run = next((r for r in series.runs if r["id"] == cell.run_id), None)
    return {
        "method": series.method,
        "variant": series.variant or "",
        "method_version": series.method_version,
        "weights_hash": series.weights_hash,
        "seed": series.seed,
        "profile": series.profile,
        "target_emotion": cell.target_emotion or "",
        "video_sha256": cell.video_hash or "",
        "protocols": series.protocols,
        "run": run["id"] if run else None,
        "git_commit": run["git_commit"] if run else "",
    }


def page_name(dataset: str) -> str:
    """The file name of a dataset's page."""
    return f"{safe_name(dataset)}.html"


def safe_name(name: str) -> str:
    """``name`` with every character a file name may not safely hold replaced by ``_``."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
