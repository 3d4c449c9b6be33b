"""Table II: quantitative evaluation of emotion control: Emo-Acc (%) per emotion and the average.

One column per emotion-controlled series (every series with Emo-Acc when none is), titled as the
series is named and marked with the metric's direction; a series also scored by the portable emotion
judge (``emo-acc-portable``) gets a second column for it. With published numbers, the paper's column
(its Table II method, EAT-Face) follows, and the difference to the matching measured series where
its clips come from the paper's dataset (MEAD).
"""

from __future__ import annotations

from dataclasses import dataclass

from eatbench.clip import EMOTIONS
from eatbench.report import paper
from eatbench.report.tables.base import PaperTable, TableRequest, arrow, metric_column
from eatbench.report.tables.gather import SeriesResult, delta, fmt, sort_results
from eatbench.report.tables.model import Cell, Row, Table
from eatbench.report.tables.notes import Footnotes, provenance_notes

METRIC = "emo-acc"
PORTABLE = "emo-acc-portable"  # `--profile portable` runs: fer's FER2013 judge, contempt excluded


def _key(r: SeriesResult) -> str:
    return METRIC if METRIC in r.metrics else PORTABLE


def _columns(results: list[SeriesResult]) -> list[tuple[SeriesResult, str]]:
    """(series, metric) per column: a series scored by both its own and the portable emotion judge shows both."""
    return [
        (r, k)
        for r in results
        for k in (METRIC, PORTABLE)
        if k in r.metrics and (k == _key(r) or r.metrics[k].value is not None)
    ]


@dataclass
class Table2Data:
    dataset: str
    results: list[SeriesResult]
    published: dict[str, float]  # emotion -> percent; empty without published numbers
    published_average: float | None
    main: SeriesResult | None  # the measured series of the paper's Table II method
    data: str  # the dataset the clips came from

    @property
    def comparable(self) -> bool:
        """Δ only where the measured clips come from the dataset of the published numbers."""
        return self.data == paper.table_dataset(2)


class Table2(PaperTable):
    number = 2
    caption = "quantitative evaluation of emotion control (Emo-Acc, %)"
    summary = "Emo-Acc per emotion"

    def gather(self, request: TableRequest) -> Table2Data:
        every = sort_results(request.series(request.dataset))
        results = [r for r in every if _key(r) in r.metrics and r.kind != "reference"]
        if not results:
            results = [r for r in every if _key(r) in r.metrics]
        pub, pub_avg = paper.published_table2() if request.published else ({}, None)
        wanted = paper.normalise(paper.table2_method())
        main = next(
            (r for r in results if paper.normalise(r.method) == wanted and r.variant is None and METRIC in r.metrics),
            None,
        )
        data = main.data if main else next((r.data for r in results), request.dataset.lower())
        return Table2Data(request.dataset, results, pub, pub_avg, main, data)

    def lay_out(self, data: Table2Data, footnotes: Footnotes) -> Table:
        results, pub, main = data.results, data.published, data.main
        columns = _columns(results)
        _, hib = metric_column(METRIC)
        titles = [
            f"{r.display}{f' ({metric_column(PORTABLE)[0]})' if k == PORTABLE else ''}{arrow(hib)}" for r, k in columns
        ]
        table = Table(self.number, self.caption, titles, label_title="Emotion")
        with_delta = bool(pub) and data.comparable
        if pub:
            table.columns += [f"{paper.table2_method()} (paper)"] + (["Δ"] if with_delta else [])
        per = {(r.label, k): dict(r.metrics[k].extra.get("per_emotion") or {}) for r, k in columns}  # percent
        for emotion in [e for e in EMOTIONS if any(e in per[c] for c in per)] or list(pub):
            row = [Cell(fmt(per[(r.label, k)].get(emotion), 2)) for r, k in columns]
            if pub:
                row.append(Cell(fmt(pub.get(emotion), 2)))
            if with_delta:
                row.append(Cell(delta(per[(main.label, METRIC)].get(emotion) if main else None, pub.get(emotion), 2)))
            table.rows.append(Row(emotion.capitalize(), row))
        table.rows.append(Row("", [], "rule"))
        avg_row, avg_main = [], None
        for r, k in columns:
            cell, v = footnotes.cell(r.metrics[k], 2, who=r.display)
            avg_row.append(cell)
            if r is main and k == METRIC:
                avg_main = v
        if pub:
            avg_row.append(Cell(fmt(data.published_average, 2)))
        if with_delta:
            avg_row.append(Cell(delta(avg_main, data.published_average, 2)))
        table.rows.append(Row("Average", avg_row))
        return table

    def notes(self, data: Table2Data, footnotes: Footnotes) -> list[str]:
        columns = [(k, metric_column(k)[0]) for k in (METRIC, PORTABLE)]
        out = [*provenance_notes(data.results, columns), *footnotes.lines()]
        if any(k == PORTABLE for _, k in _columns(data.results)):
            out.append(
                f"{columns[1][1]}: fer's 7 FER2013 classes; contempt has none and is excluded, not scored; its Average is the mean of the other seven emotions' accuracies."
            )
        out.append("Average: accuracy over all generated frames of the series. Paper: MEAD, VGG-16 classifier.")
        if data.published and not data.comparable:
            out.append(f"No Δ: the measured clips come from {data.data}, the paper's from {paper.table_dataset(2)}.")
        if not data.results:
            out.append(f"No Emo-Acc stored for dataset {data.dataset}; run `eatbench run --metrics emo-acc ...`.")
        return out
