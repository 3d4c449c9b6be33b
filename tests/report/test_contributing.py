"""The examples of CONTRIBUTING.md ("Adding a table", "Adding a figure") run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_fill import add_series

from eatbench.errors import EatbenchError
from eatbench.report import figures, tables
from eatbench.report.study import parse_ratings_csv

GUIDE = Path(__file__).resolve().parents[2] / "CONTRIBUTING.md"


def _example(section: str) -> str:
    text = GUIDE.read_text().split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", text, re.S).group(1)


def _load(section: str, registry, monkeypatch) -> dict:
    monkeypatch.setattr(registry, "_items", dict(registry._items))  # the example registers into a copy
    namespace: dict = {"__name__": "contributing_example"}
    exec(compile(_example(section), f"CONTRIBUTING.md ({section})", "exec"), namespace)
    return namespace


def test_the_table_example_registers_and_renders(store, monkeypatch):
    _load("Adding a table", tables.TABLES, monkeypatch)
    add_series(store, "eatface", {"m-lmd": 2.5, "f-lmd": (3.25, 3, 4, 1)})
    assert 5 in tables.table_numbers()
    md = tables.to_markdown(tables.build_table(5, store, ["demo"]))
    assert "**Table V: landmark distances**" in md and "| Method | M-LMD↓ | F-LMD↓ |" in md
    assert "| EAT-Face | 2.5000 | 3.2500<sup>†</sup> |" in md and "M-LMD: protocol m-lmd/v1." in md


def test_the_figure_example_registers_and_draws(store, monkeypatch, tmp_path):
    _load("Adding a figure", figures.FIGURES, monkeypatch)
    csv = "participant,method,clip,question,score,vote\np1,eatface,c,emo,8,\np2,eatface,c,nat,5,\np1,x,c,tend,,1\n"
    store.put_ratings(parse_ratings_csv(csv), "r.csv")
    drawn = figures.get_figure(9).draw(figures.FigureRequest(tmp_path, store))
    assert drawn.summary == "2 scores, mean 6.50" and all(p.is_file() for p in drawn.paths)
    with pytest.raises(EatbenchError, match="no scores imported"):
        figures.get_figure(9).draw(figures.FigureRequest(tmp_path))
