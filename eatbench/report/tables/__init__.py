"""The paper's tables from the results store, as LaTeX (booktabs) and Markdown.

Each table is one module holding one :class:`~eatbench.report.tables.base.PaperTable` subclass; the
modules of :data:`TABLE_MODULES` are imported here for their registrations (the one place a new table
is registered):

- Table I (:mod:`.table1`): methods × PSNR, SSIM, CPBD, LPIPS, FID, LSE-D, LSE-C, CSIM with the w/Emo.
  column, one block per dataset;
- Table II (:mod:`.table2`): Emo-Acc per emotion and the average;
- Table III (:mod:`.table3`): user-study scores per method (mean ± standard error, participants);
- Table IV (:mod:`.table4`): the ablation variants with component check marks, Emo-Acc and Tend.

Every table states the judge profile and each column's protocol in footnotes, marks a number
computed on fewer clips than the series holds (failed generations) with ``†``, shows ``n/a`` with
the reason where a metric could not run, and, with ``published=True``, prints the paper's numbers
and the difference (measured − published) below the measured rows.

Example:
    >>> from eatbench.store import ResultsStore
    >>> text = to_markdown(build_table(1, ResultsStore(), ["demo"]))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from eatbench.report.tables.base import TABLES, PaperTable, TableRequest, build_table, get_table, table_numbers
from eatbench.report.tables.gather import Measured, SeriesResult, collect
from eatbench.report.tables.model import Cell, Format, Row, Table
from eatbench.report.tables.render import check_format, render, to_latex, to_markdown

TABLE_MODULES = ("table1", "table2", "table3", "table4")  # importing a module registers its table
for _module in TABLE_MODULES:
    importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "TABLES",
    "Cell",
    "Format",
    "Measured",
    "PaperTable",
    "Row",
    "SeriesResult",
    "Table",
    "TableRequest",
    "build_table",
    "check_format",
    "collect",
    "get_table",
    "render",
    "table_numbers",
    "to_latex",
    "to_markdown",
]
