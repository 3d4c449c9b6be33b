"""Table I: quantitative comparison with other methods, one block per dataset.

Columns: w/Emo. and the metrics of :data:`METRICS`, each titled and ranked as its metric class says,
under the paper's column groups. The compared methods of a block are ranked per column (best bold,
second underlined); reference methods such as ``ground-truth`` sit below a rule, unranked. A block
is labelled with the dataset its clips came from (the MEAD adapter reading the demo corpus gives a
``demo`` block). With published numbers, the paper's rows follow each block, and a Δ row (measured −
paper) for every method the paper reports, only where the block's dataset is the paper's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from eatbench.metrics.registry import get_metric
from eatbench.report import paper
from eatbench.report.tables.base import PaperTable, TableRequest, arrow, metric_column
from eatbench.report.tables.gather import SeriesResult, delta, fmt, rank, sort_results
from eatbench.report.tables.model import Cell, Row, Table
from eatbench.report.tables.notes import Footnotes, offset_notes, provenance_notes

METRICS = ("psnr", "ssim", "cpbd", "lpips", "fid", "lse-d", "lse-c", "csim")  # the paper's column order
# Columns of `--profile portable` runs, after the paper's where any series has them (docs/portable-metrics.md).
PORTABLE = (
    "csim-portable",
    "lip-sync-corr",
    "silent-lip-stability",
    "mouth-dynamics-ratio",
    "blink-rate",
    "head-motion",
)


def _keys(results: list[SeriesResult]) -> tuple[str, ...]:
    return METRICS + tuple(k for k in PORTABLE if any(k in r.metrics for r in results))


def _closeness(key: str, v: float | None) -> float | None:
    """A ratio to the ground truth (the metric's ``ideal``) ranks by its distance from it, |log(v / ideal)|."""
    ideal = get_metric(key).ideal
    return v if ideal is None or v is None else abs(math.log(v / ideal)) if v > 0 else math.inf


@dataclass
class Block:
    """The measured series of one dataset and the paper's rows shown with them."""

    dataset: str  # the dataset the series' clips came from: the block's label
    requested: str  # the --dataset they were run (and asked for) as
    results: list[SeriesResult]
    reference: str  # the paper's dataset of the published rows
    published: dict[str, dict[str, Any]]

    @property
    def label(self) -> str:
        via = f" (run as --dataset {self.requested})" if self.requested != self.dataset else ""
        shown = f" (published: {self.reference})" if self.published and self.reference != self.dataset else ""
        return f"{self.dataset}{via}{shown}"

    @property
    def comparable(self) -> bool:
        """Δ rows only where the measured clips come from the dataset of the published numbers."""
        return self.reference == self.dataset


class Table1(PaperTable):
    number = 1
    caption = "quantitative comparison with other methods"
    summary = "Quantitative comparison"
    datasets = "many"

    def gather(self, request: TableRequest) -> list[Block]:
        blocks = []
        for requested in request.datasets:
            # Series with none of Table I's metrics (the ablation runs score Emo-Acc only) belong to Tables II/IV.
            every = [
                r for r in sort_results(request.series(requested)) if any(k in r.metrics for k in METRICS + PORTABLE)
            ]
            # One block per dataset the clips came from (the MEAD adapter may have read the demo corpus).
            datas = sorted({r.data for r in every}, key=lambda d: (d != requested.lower(), d)) or [requested.lower()]
            for data in datas:
                ref = (request.compare_to or data).lower()
                pub = paper.published_table1(ref) if request.published else {}
                results = [r for r in every if r.data == data]
                blocks.append(Block(data, requested.lower(), results, ref, pub))
        return blocks

    def lay_out(self, blocks: list[Block], footnotes: Footnotes) -> Table:
        columns = [(key, *metric_column(key)) for key in _keys([r for b in blocks for r in b.results])]
        heads = [f"{t}{'→1' if get_metric(k).ideal else arrow(hib)}" for k, t, hib in columns]
        table = Table(self.number, self.caption, ["w/Emo.", *heads])
        groups = paper.load_paper()["table1"]["groups"]
        table.groups = [("", 1)]
        for key, title, _ in columns:
            group = groups.get(title, "Portable judges" if key in PORTABLE else "")
            if table.groups[-1][0] == group:
                table.groups[-1] = (group, table.groups[-1][1] + 1)
            else:
                table.groups.append((group, 1))
        for block in blocks:
            results, pub = block.results, block.published
            table.rows.append(Row(block.label, [], "heading"))
            if not results and not pub:
                table.rows.append(
                    Row(
                        f"(no results: run `eatbench run --dataset {block.requested} ...`)",
                        [Cell("")] * len(table.columns),
                    )
                )
            # 1. Measured rows; the compared methods are ranked per column.
            ranked = [r for r in results if r.kind != "reference"]
            values: dict[str, dict[str, float | None]] = {r.label: {} for r in results}
            cells: dict[str, list[Cell]] = {}
            for r in results:
                row = [Cell("✓" if r.emotion_controlled else "✗")]
                for key, title, _ in columns:
                    cell, v = footnotes.cell(r.metrics.get(key), 4, who=f"{r.display} {title}")
                    row.append(cell)
                    values[r.label][key] = v
                cells[r.label] = row
            for j, (key, _, hib) in enumerate(columns, start=1):
                scores = [_closeness(key, values[r.label][key]) for r in ranked]
                for r, place in zip(ranked, rank(scores, hib), strict=True):
                    cells[r.label][j].rank = place
            for i, r in enumerate(results):
                if r.kind == "reference" and (i == 0 or results[i - 1].kind != "reference"):
                    table.rows.append(Row("", [], "rule"))
                table.rows.append(Row(r.display, cells[r.label]))
            # 2. Published rows and the differences.
            if not pub:
                continue
            table.rows.append(Row("", [], "rule"))
            ranks = {key: rank([p.get(title) for p in pub.values()], hib) for key, title, hib in columns}
            for i, (name, p) in enumerate(pub.items()):
                row = [Cell("✓" if p["with_emotion"] else "✗")]
                row += [Cell(fmt(p.get(title), 4), ranks[key][i]) for key, title, _ in columns]
                table.rows.append(Row(f"{name} (paper)", row, "published"))
            for r in results if block.comparable else []:
                name = paper.paper_name(r.method, list(pub)) if r.variant is None else None
                if name is None:
                    continue
                row = [Cell("")] + [
                    Cell(delta(values[r.label][key], pub[name].get(title), 4)) for key, title, _ in columns
                ]
                table.rows.append(Row(f"Δ {name} (measured − paper)", row, "delta"))
        return table

    def notes(self, blocks: list[Block], footnotes: Footnotes) -> list[str]:
        results = [r for b in blocks for r in b.results]
        columns = [(key, metric_column(key)[0]) for key in _keys(results)]
        return [
            *provenance_notes(results, columns),
            *offset_notes(results),
            *footnotes.lines(),
            "Best in bold, second underlined, among the compared methods of each block; — not measured.",
            *(
                ["→1: a ratio to the ground truth, best at 1 (ranked by |log value|)."]
                if any(get_metric(k).ideal for k in _keys(results))
                else []
            ),
            *(
                [
                    f"Δ (measured − paper) only where the clips come from the paper's dataset; not for {', '.join(apart)}."
                ]
                if (apart := sorted({b.dataset for b in blocks if b.published and not b.comparable}))
                else []
            ),
        ]
