"""What a table is, independent of its format: grouped headers, rows of ranked cells, footnotes.

Every paper table is built as a :class:`Table` and rendered by :mod:`eatbench.report.tables.render`,
so the Markdown and the LaTeX of one table always say the same thing.

Example:
    >>> t = Table(1, "quantitative comparison", ["PSNR↑"])
    >>> t.rows.append(Row("EAT-Face", [Cell("32.6131", rank=1)]))
    >>> t.title
    'Table I: quantitative comparison'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["markdown", "latex"]
RowKind = Literal["measured", "published", "delta", "heading", "rule"]
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class Cell:
    """One value as shown: its text, its rank in the column, and footnote markers."""

    text: str
    rank: int = 0  # 1 best, 2 second, 0 unranked
    marks: str = ""  # footnote markers appended to the text


@dataclass
class Row:
    """A labelled row; ``heading`` rows name a block, ``rule`` rows separate groups of rows."""

    label: str
    cells: list[Cell]
    kind: RowKind = "measured"


@dataclass
class Table:
    """A table of the paper, numbered as the paper numbers it.

    Attributes:
        number: the paper's table number (1 is Table I).
        caption: the caption's text, without the "Table I:" prefix (LaTeX numbers its captions itself).
        columns: column titles after the label column, arrows included.
        groups: (group title, span) over ``columns``; an empty title leaves its columns ungrouped.
    """

    number: int
    caption: str
    columns: list[str]
    groups: list[tuple[str, int]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    label_title: str = "Method"

    @property
    def name(self) -> str:
        """``Table I``."""
        return f"Table {ROMAN[self.number - 1] if 0 < self.number <= len(ROMAN) else self.number}"

    @property
    def title(self) -> str:
        """``Table I: quantitative comparison with other methods``: the heading Markdown and HTML print."""
        return f"{self.name}: {self.caption}"
