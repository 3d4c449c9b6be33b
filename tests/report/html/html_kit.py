"""Fixtures for the HTML report and study tests: a results store filled by the real runner, a headless browser.

The store holds three reference methods run on the session's real-face MEAD tree (4 clips) with PSNR
and SSIM (no judge weights needed), so every page kind has real videos, per-clip values and
preprocessing-cache entries (reference frames, landmarks).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eatbench.errors import EatbenchError

METHODS = ("ground-truth", "static-frame", "shifted-audio")


@pytest.fixture(scope="session")
def html_store(mead, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from eatbench.run import RunConfig, Runner

    root, _ = mead
    # One fixed folder: the report and study conftests both register this fixture, and the second
    # call finds everything in the runner's cache.
    db = tmp_path_factory.getbasetemp() / "html-store" / "results.db"
    db.parent.mkdir(exist_ok=True)
    for method in METHODS:
        cfg = RunConfig(method=method, dataset="mead", root=root, split=None, metrics=("psnr", "ssim"), store=db)
        Runner(cfg).run()
    return db


def require_browser() -> None:
    """Skip without Chromium on a developer's machine; under CI (CI set) a missing browser fails."""
    from eatbench.report.html.browser import find_browser

    try:
        find_browser()
    except EatbenchError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {err}")
        pytest.skip(str(err))


@pytest.fixture(scope="session")
def driver():
    require_browser()
    from eatbench.report.html.browser import chromium

    with chromium() as d:
        yield d
