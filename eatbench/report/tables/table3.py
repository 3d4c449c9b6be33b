"""Table III: user study among different methods: scores 1-10, mean ± standard error, with participants.

The ratings come from ``eatbench study import`` (:mod:`eatbench.report.study`); each column is one of
the paper's four questions (every score: higher is better). With published numbers, the paper's rows
and a Δ row per method it reports follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from eatbench.report import paper, study
from eatbench.report.tables.base import PaperTable, TableRequest, arrow
from eatbench.report.tables.gather import delta, fmt, paper_order, rank
from eatbench.report.tables.model import Cell, Row, Table
from eatbench.report.tables.notes import Footnotes

QUESTIONS = ("emo", "vis-q", "sync", "id-p")  # the paper's columns, as study question keys


@dataclass
class Table3Data:
    stats: dict[tuple, study.Stat]  # (method, question) -> statistics
    participants: int
    published: dict[str, dict[str, float]]
    intervals: dict[str, list[tuple[float, float] | None]]  # method -> 95% CI per question


class Table3(PaperTable):
    number = 3
    caption = "user study among different methods"
    summary = "User study"
    datasets = "none"

    def gather(self, request: TableRequest) -> Table3Data:
        rows = request.ratings(QUESTIONS)
        pub = paper.published_table3() if request.published else {}
        intervals: dict[str, list[tuple[float, float] | None]] = {}
        for m in sorted({r["method"].lower() for r in rows}, key=paper_order):
            mine = [[r for r in rows if r["question"] == q and r["method"].lower() == m] for q in QUESTIONS]
            intervals[m] = [study.bootstrap_ci(x) if x else None for x in mine]
        return Table3Data(study.summarize(rows), study.participant_count(rows), pub, intervals)

    def lay_out(self, data: Table3Data, footnotes: Footnotes) -> Table:
        stats, pub = data.stats, data.published
        titles = [study.QUESTIONS[q][0] for q in QUESTIONS]
        table = Table(self.number, self.caption, [f"{t}{arrow(True)}" for t in titles] + ["Participants"])
        methods = sorted({m for m, _ in stats}, key=paper_order)
        measured: dict[str, list[float | None]] = {}
        names = list(pub) or list(paper.published_table3())
        for m in methods:
            cells: list[Cell] = []
            vals: list[float | None] = []
            for q in QUESTIONS:
                s = stats.get((m, q))
                vals.append(None if s is None else s.mean)
                cells.append(Cell("—" if s is None else f"{s.mean:.3f} ± {fmt(s.sem, 3)}"))
            n = max((stats[(m, q)].participants for q in QUESTIONS if (m, q) in stats), default=0)
            cells.append(Cell(str(n)))
            measured[m] = vals
            table.rows.append(Row(paper.paper_name(m, names) or m, cells))
        for j in range(len(QUESTIONS)):
            for i, place in enumerate(rank([measured[m][j] for m in methods], True)):
                table.rows[i].cells[j].rank = place
        if pub:
            table.rows.append(Row("", [], "rule"))
            ranks = [rank([p[t] for p in pub.values()], True) for t in titles]
            for i, (name, p) in enumerate(pub.items()):
                row = [Cell(f"{p[t]:.3f}", ranks[j][i]) for j, t in enumerate(titles)] + [Cell("")]
                table.rows.append(Row(f"{name} (paper)", row, "published"))
            for m in methods:
                name = paper.paper_name(m, list(pub))
                if name:
                    d = [Cell(delta(measured[m][j], pub[name][t], 3)) for j, t in enumerate(titles)]
                    table.rows.append(Row(f"Δ {name} (measured − paper)", [*d, Cell("")], "delta"))
        return table

    def notes(self, data: Table3Data, footnotes: Footnotes) -> list[str]:
        n = data.participants
        return [
            f"Scores 1-10 from {n} participant(s) (imported with `eatbench study import`); mean over ratings ± "
            "standard error over participants. The paper had 38 participants in two groups."
            if n
            else "No ratings imported: measured rows are empty. Import them with `eatbench study import RATINGS.csv`.",
            *self._interval_notes(data),
            *footnotes.lines(),
        ]

    def _interval_notes(self, data: Table3Data) -> list[str]:
        """One line per method: the 95% percentile bootstrap interval of each question's mean.

        Participants are resampled (2000 draws, seed 0; :func:`eatbench.report.study.bootstrap_ci`), so the
        interval reflects that one person's ratings go together.
        """
        names = list(data.published) or list(paper.published_table3())
        lines = []
        for m, cis in data.intervals.items():
            parts = [
                f"{study.QUESTIONS[q][0]} [{ci[0]:.2f}, {ci[1]:.2f}]"
                for q, ci in zip(QUESTIONS, cis, strict=True)
                if ci is not None
            ]
            if parts:
                name = paper.paper_name(m, names) or m
                lines.append(f"{name}: 95% bootstrap CI over participants: " + ", ".join(parts) + ".")
        return lines
