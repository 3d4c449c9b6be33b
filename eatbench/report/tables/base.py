"""The table registry: a paper table is one class in one file, built in three steps (gather -> lay out -> notes).

A table subclasses :class:`PaperTable`, sets its ``number`` (the paper's numbering; registering it) and
``caption``, and implements the three steps; :meth:`PaperTable.build` runs them and the renderers of
:mod:`eatbench.report.tables.render` print the result as Markdown or LaTeX. The modules listed in
:data:`eatbench.report.tables.TABLE_MODULES` are imported for their registrations. A column that shows
a metric takes its title and its direction (↑/↓) from the metric class (``display``,
``higher_is_better``), never from a list kept here.

Example:
    >>> from eatbench.report.tables import build_table, to_markdown
    >>> print(to_markdown(build_table(3, store, ["demo"])))  # doctest: +SKIP
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from eatbench.errors import EatbenchError
from eatbench.registry import Registry
from eatbench.report.portable import portable
from eatbench.report.tables.gather import SeriesResult, collect
from eatbench.report.tables.model import Table
from eatbench.report.tables.notes import Footnotes
from eatbench.store import ResultsStore

TABLES: Registry[type[PaperTable]] = Registry("table")


@dataclass(frozen=True)
class TableRequest:
    """What a table is asked for.

    Attributes:
        store: the results store to read; None prints the published numbers only (no store yet).
        datasets: the datasets to show (Table I: one block each; tables of one dataset take exactly one).
        published: print the paper's numbers beside the measured ones.
        compare_to: the paper's dataset for Table I's published rows (default: each block's own).
        only: the series ids to show (None: the latest series of every label in the store).
    """

    store: ResultsStore | None
    datasets: tuple[str, ...]
    published: bool = True
    compare_to: str | None = None
    only: frozenset[str] | None = None

    @property
    def dataset(self) -> str:
        """The one dataset of a single-dataset table."""
        return self.datasets[0]

    def series(self, dataset: str) -> list[SeriesResult]:
        """The latest series of each label on ``dataset`` (:func:`~eatbench.report.tables.gather.collect`)."""
        return [] if self.store is None else collect(self.store, dataset, self.only)

    def ratings(self, questions: tuple[str, ...]) -> list[dict[str, Any]]:
        """The imported user-study ratings of ``questions``."""
        return [] if self.store is None else [r for r in self.store.list_ratings() if r["question"] in questions]


class PaperTable(ABC):
    """Base class of every table. Subclasses set ``number`` and ``caption`` and implement the three steps.

    Attributes:
        number: the paper's table number; the registry key (``eatbench table NUMBER``).
        caption: the caption without its "Table I:" prefix.
        summary: a few words for the index of a reproduction (``results/<dataset>/README.md``).
        datasets: ``"many"`` (one block per dataset), ``"one"`` or ``"none"`` (e.g. a user study).
    """

    number: ClassVar[int]
    caption: ClassVar[str]
    summary: ClassVar[str]
    datasets: ClassVar[Literal["many", "one", "none"]] = "one"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [a for a in ("number", "caption", "summary") if not hasattr(cls, a)]
        if missing:
            raise TypeError(f"table class {cls.__name__} lacks required attribute(s): {', '.join(missing)}")
        TABLES.register(str(cls.number))(cls)

    def build(self, request: TableRequest) -> Table:
        """Gather, lay out and annotate the table."""
        if self.datasets == "one" and len(request.datasets) != 1:
            raise EatbenchError(
                f"table {self.number}: one --dataset at a time, got {','.join(request.datasets) or 'none'}"
            )
        # 1. Gather the numbers (store and paper).
        data = self.gather(request)
        # 2. Lay out columns and rows; n/a and partial values get footnote markers.
        footnotes = Footnotes()
        table = self.lay_out(data, footnotes)
        # 3. The notes under the table, without this machine's paths (stored reasons name folders).
        table.notes = [portable(n) for n in self.notes(data, footnotes)]
        return table

    @abstractmethod
    def gather(self, request: TableRequest) -> Any:
        """Read what the table shows; returns whatever :meth:`lay_out` and :meth:`notes` take."""

    @abstractmethod
    def lay_out(self, data: Any, footnotes: Footnotes) -> Table:
        """The table's columns and rows."""

    @abstractmethod
    def notes(self, data: Any, footnotes: Footnotes) -> list[str]:
        """The lines under the table (``footnotes.lines()`` among them)."""


def table_numbers() -> list[int]:
    """The registered table numbers, in order."""
    return sorted(int(n) for n in TABLES.names())


def get_table(number: int | str) -> PaperTable:
    """An instance of table ``number``; an unknown number raises one line naming the known ones."""
    return TABLES.get(str(number).strip())()


def build_table(
    number: int,
    store: ResultsStore | None,
    datasets: list[str],
    published: bool = True,
    compare_to: str | None = None,
    only: Collection[str] | None = None,
) -> Table:
    """Table ``number`` for ``datasets`` from ``store`` (with ``only``, from those series ids only)."""
    request = TableRequest(store, tuple(datasets), published, compare_to, None if only is None else frozenset(only))
    return get_table(number).build(request)


def arrow(higher_is_better: bool) -> str:
    """The paper's direction mark."""
    return "↑" if higher_is_better else "↓"


def metric_column(key: str) -> tuple[str, bool]:
    """(title, higher is better) of the metric ``key``, from its class."""
    from eatbench.metrics.registry import get_metric

    m = get_metric(key)
    return m.display, m.higher_is_better
