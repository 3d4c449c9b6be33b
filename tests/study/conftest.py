"""Fixtures for the study tests: the HTML report's runner-filled store and browser, and a study made from it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "report" / "html"))

from html_kit import driver, html_store

__all__ = ["driver", "group2", "html_store"]


@pytest.fixture(scope="session")
def group2(html_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A group-2 study of static-frame vs shifted-audio (ground truth as the attention check)."""
    from eatbench.store import ResultsStore
    from eatbench.study.create import StudyConfig, create_study

    runs = {r.series: r.id for r in ResultsStore(html_store, readonly=True).list_runs()}
    series = {s["label"]: s["series"] for s in ResultsStore(html_store, readonly=True).list_series()}
    ids = [runs[series["static-frame"]], runs[series["shifted-audio"]]]
    out = tmp_path_factory.mktemp("studies") / "g2"
    create_study(StudyConfig(ids, "group2", out=out, seed=7, store=html_store))
    return out
