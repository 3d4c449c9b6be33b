"""Table IV: ablation study on emotion-related modules: component check marks, Emo-Acc (%) and Tend. (%).

One row per ablation variant of EAT-Face, in the order the method declares them, then the full model
("Ours"). Emo-Acc comes from the variant's series; Tend. is the percentage of user-study votes that saw
the target emotion (``eatbench study import``). With published numbers, the paper's rows follow, and
a Δ row per variant where the clips come from the paper's dataset (MEAD).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eatbench.report import paper, study
from eatbench.report.tables.base import PaperTable, TableRequest, arrow, metric_column
from eatbench.report.tables.gather import SeriesResult, delta, fmt, rank
from eatbench.report.tables.model import Cell, Row, Table
from eatbench.report.tables.notes import Footnotes, provenance_notes
from eatbench.run.config import series_label

METHOD = "eatface"  # the paper's Table IV ablates EAT-Face
METRIC = "emo-acc"
TENDENCY = "tend"  # the user-study question of the Tend. column


def ablation_order() -> list[str | None]:
    """The variants EAT-Face declares, in its order, then None for the full model ("Ours")."""
    from eatbench.methods.registry import method_class

    cls = method_class(METHOD)
    return [v for v in cls.variants if v != cls.default_variant] + [None]


@dataclass
class Table4Data:
    dataset: str
    results: dict[str | None, SeriesResult]  # variant (None: full) -> series
    tendency: dict[tuple, study.Stat]  # (series label,) -> tendency votes
    published: dict[str, dict[str, Any]]
    order: list[str | None]
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # series label -> Tend. 95% CI

    @property
    def data(self) -> str:
        """The dataset the clips came from."""
        return next((r.data for r in self.results.values()), self.dataset.lower())

    @property
    def comparable(self) -> bool:
        """Δ only where the measured clips come from the dataset of the published numbers."""
        return self.data == paper.table_dataset(4)


class Table4(PaperTable):
    number = 4
    caption = "ablation study on emotion-related modules"
    summary = "Ablation"

    def gather(self, request: TableRequest) -> Table4Data:
        method = paper.normalise(METHOD)
        results = {r.variant: r for r in request.series(request.dataset) if paper.normalise(r.method) == method}
        ratings = request.ratings((TENDENCY,))
        pub = paper.published_table4() if request.published else {}
        intervals = {
            label: study.bootstrap_ci([r for r in ratings if r["method"].lower() == label])
            for label in sorted({r["method"].lower() for r in ratings})
        }
        tendency = study.summarize(ratings, by=("method",))
        return Table4Data(request.dataset, results, tendency, pub, ablation_order(), intervals)

    def lay_out(self, data: Table4Data, footnotes: Footnotes) -> Table:
        comps = paper.load_paper()["table4"]["components"]
        acc_title, acc_hib = metric_column(METRIC)
        tend_title = study.QUESTIONS[TENDENCY][0]
        table = Table(
            self.number,
            self.caption,
            [*comps, f"{acc_title}{arrow(acc_hib)}", f"{tend_title}{arrow(True)}"],
            groups=[("Components", len(comps)), ("Metrics", 2)],
        )
        pub = paper.published_table4()  # the check marks come from the paper even without its numbers
        pub_names = {paper.normalise(v): v for v in pub}
        measured: dict[str | None, list[float | None]] = {}
        for variant in data.order:
            name = pub_names.get(paper.normalise(variant or "Ours"))
            checks = pub[name]["components"] if name else {}
            r = data.results.get(variant)
            acc_cell, acc = footnotes.cell(r.metrics.get(METRIC) if r else None, 2, who=variant or "Ours")
            t = data.tendency.get((series_label(METHOD, variant).lower(),))
            tend_cell = (
                Cell("n/a", marks=footnotes.na("no tendency votes imported")) if t is None else Cell(f"{t.mean:.2f}")
            )
            measured[variant] = [acc, None if t is None else t.mean]
            row = [Cell("✓" if checks.get(c) else "✗") for c in comps] + [acc_cell, tend_cell]
            table.rows.append(Row(variant or "Ours (full)", row))
        for j in (0, 1):
            for i, place in enumerate(rank([measured[v][j] for v in data.order], True)):
                table.rows[i].cells[len(comps) + j].rank = place
        if data.published:
            table.rows.append(Row("", [], "rule"))
            cols = [acc_title, tend_title]
            ranks = [rank([p[c] for p in pub.values()], True) for c in cols]
            for i, (name, p) in enumerate(pub.items()):
                row = [Cell("✓" if p["components"][c] else "✗") for c in comps]
                row += [Cell(fmt(p[c], 2), ranks[j][i]) for j, c in enumerate(cols)]
                table.rows.append(Row(f"{name} (paper)", row, "published"))
            for variant in data.order if data.comparable else []:
                name = pub_names.get(paper.normalise(variant or "Ours"))
                d = [Cell(delta(measured[variant][j], pub[name][c], 2)) for j, c in enumerate(cols)]
                table.rows.append(
                    Row(f"Δ {variant or 'Ours'} (measured − paper)", [Cell("")] * len(comps) + d, "delta")
                )
        return table

    def notes(self, data: Table4Data, footnotes: Footnotes) -> list[str]:
        results = list(data.results.values())
        votes = sum(s.ratings for s in data.tendency.values())
        out = provenance_notes(results, [(METRIC, metric_column(METRIC)[0])])
        out.append(
            "Emo-Acc in % of generated frames; Tend. = % of user-study votes that saw the target emotion "
            f"({votes} votes)."
        )
        for variant in data.order:  # participants and a 95% percentile bootstrap CI (participants resampled)
            label = series_label(METHOD, variant).lower()
            t, ci = data.tendency.get((label,)), data.intervals.get(label)
            if t is not None and ci is not None:
                out.append(
                    f"Tend. of {variant or 'Ours'}: {t.participants} participant(s), {t.ratings} votes, "
                    f"95% bootstrap CI [{ci[0]:.2f}, {ci[1]:.2f}]."
                )
        out += footnotes.lines()
        if data.published and not data.comparable:
            out.append(f"No Δ: the measured clips come from {data.data}, the paper's from {paper.table_dataset(4)}.")
        if not data.results:
            out.append(f"No ablation runs on {data.dataset}: run `eatbench ablate VARIANT --dataset {data.dataset}`.")
        return out
