"""The published numbers of the EAT-Face paper, read from ``paper_results.json`` beside this module.

The file is a verbatim transcription of Tables I-IV (see its ``source`` field), plus the dataset each
table was measured on. It is package data, so an installed wheel prints the published rows as a
checkout does. Tables print these numbers beside the measured ones, with the difference where the
measured rows come from the same dataset, so a reader sees at once how far a reproduction is from the
paper.

Example:
    >>> rows = published_table1("mead")
    >>> rows["EAT-Face"]["PSNR"]
    32.6131
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError

PAPER_FILE = Path(__file__).resolve().parent / "paper_results.json"


@functools.cache
def load_paper(path: Path = PAPER_FILE) -> dict[str, Any]:
    """The whole published-results file."""
    if not path.is_file():
        raise EatbenchError(f"published results file {path} is missing; reinstall eatbench (it ships in the package)")
    return json.loads(path.read_text())


def normalise(name: str) -> str:
    """A name reduced to lowercase letters and digits, to match methods across spellings.

    ``EAT-Face``, ``eatface`` and ``EAT Face`` all become ``eatface``; ``w/o EVE`` and ``w/o-EVE``
    become ``woeve``.
    """
    return re.sub(r"[^a-z0-9]", "", name.lower())


def paper_name(name: str, names: list[str]) -> str | None:
    """The paper's spelling of ``name`` among ``names``, or None."""
    lookup = {normalise(n): n for n in names}
    return lookup.get(normalise(name))


def published_table1(dataset: str) -> dict[str, dict[str, Any]]:
    """Table I rows of ``dataset`` (``mead`` or ``crema-d``): method → {column: value, ``with_emotion``}."""
    t1 = load_paper()["table1"]
    rows = t1["rows"].get(dataset.lower(), [])
    return {
        r["method"]: {"with_emotion": r["with_emotion"], **dict(zip(t1["columns"], r["values"], strict=True))}
        for r in rows
    }


def published_table2() -> tuple[dict[str, float], float]:
    """Table II: Emo-Acc (percent) per emotion, and the average (of :func:`table_dataset` ``(2)``)."""
    t2 = load_paper()["table2"]
    return dict(t2["emo_acc"]), float(t2["average"])


def table_dataset(number: int) -> str:
    """The dataset the paper measured Table ``number`` on (II and IV: ``mead``); Table I has one block per
    dataset and Table III is a user study, so they have none (``""``)."""
    return str(load_paper().get(f"table{number}", {}).get("dataset", ""))


def table2_method() -> str:
    """The method whose per-emotion accuracy Table II publishes (``EAT-Face``)."""
    return str(load_paper()["table2"]["method"])


def published_table3() -> dict[str, dict[str, float]]:
    """Table III: method → {``Emo.``, ``Vis-Q.``, ``Sync.``, ``ID-P``} mean scores (1-10)."""
    t3 = load_paper()["table3"]
    return {r["method"]: dict(zip(t3["columns"], r["values"], strict=True)) for r in t3["rows"]}


def published_table4() -> dict[str, dict[str, Any]]:
    """Table IV: variant → {``components``: {DM, EVE, FEC, Emo}, ``Emo-Acc``, ``Tend.``} (percent)."""
    t4 = load_paper()["table4"]
    return {
        r["variant"]: {"components": r["components"], **dict(zip(t4["columns"], r["values"], strict=True))}
        for r in t4["rows"]
    }
