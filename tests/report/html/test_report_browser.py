"""The report in a real headless Chromium: loads clean, every video can play, one control moves every
player, sorting reorders the clips, filters hide them; a screenshot of each page kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from eatbench.report.html.browser import VIDEOS_READY, console_errors, screenshots, wait_for
from eatbench.report.html.build import HtmlReportConfig, build_report
from eatbench.store import ResultsStore

pytestmark = pytest.mark.slow

TIMES = "return window.eatbenchSync.players().map(v => v.currentTime)"


@pytest.fixture(scope="module")
def report(html_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "html"
    build_report(HtmlReportConfig(out=out, store=html_store))
    return out


def _open(driver, page: Path) -> None:
    console_errors(driver)  # drop what earlier pages logged
    driver.get(page.as_uri())
    wait_for(driver, VIDEOS_READY, timeout=60)


def test_dataset_page_plays_in_sync_sorts_and_filters(driver, report: Path, html_store: Path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(driver, report / "datasets" / "mead.html")
    states = driver.execute_script("return Array.from(document.querySelectorAll('video')).map(v => v.readyState)")
    assert len(states) == 12 and min(states) >= 2

    # 1. One control plays every player; they stay together; pausing stops them all.
    driver.find_element(By.ID, "sync-play").click()
    wait_for(driver, "return window.eatbenchSync.players().every(v => !v.paused && v.currentTime > 0.3)", 20)
    times = driver.execute_script(TIMES)
    assert max(times) - min(times) < 0.25, times
    driver.find_element(By.ID, "sync-play").click()
    wait_for(driver, "return window.eatbenchSync.players().every(v => v.paused)", 10)
    # 2. Seeking moves every player to the same time.
    seek = driver.find_element(By.ID, "sync-seek")
    driver.execute_script("arguments[0].value = 250; arguments[0].dispatchEvent(new Event('input'))", seek)
    duration = driver.execute_script("return window.eatbenchSync.duration()")
    wait_for(driver, "return window.eatbenchSync.players().every(v => !v.seeking)", 10)
    times = driver.execute_script(TIMES)
    assert all(abs(t - 0.25 * duration) < 0.05 for t in times), (times, duration)

    # 3. Sorting by a method's metric orders the rows by the stored values.
    store = ResultsStore(html_store, readonly=True)
    from eatbench.report.html.view import read_dataset

    view = read_dataset(store, "mead")
    expected = sorted(view.clips, key=lambda c: -view.cell("static-frame", c.clip_id).values["psnr"])
    Select(driver.find_element(By.ID, "sort-key")).select_by_value("static-frame|psnr")
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#grid tbody tr')).map(r => r.dataset.clip)"
    )
    assert rows == [c.clip_id for c in expected]
    Select(driver.find_element(By.ID, "sort-order")).select_by_value("worst")
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll('#grid tbody tr')).map(r => r.dataset.clip)"
    )
    assert rows == [c.clip_id for c in reversed(expected)]

    # 4. Filters: one emotion, then one method's column off.
    Select(driver.find_element(By.ID, "filter-emotion")).select_by_value("angry")
    shown = driver.execute_script(
        "return Array.from(document.querySelectorAll('#grid tbody tr')).filter(r => !r.hidden).map(r => r.dataset.emotion)"
    )
    assert shown == ["angry", "angry"]
    driver.find_element(By.CSS_SELECTOR, "input.filter-method[value='static-frame']").click()
    assert driver.execute_script("return window.eatbenchSync.players().length") == 2 * 2
    assert console_errors(driver) == []


def test_clip_and_index_pages_load_clean(driver, report: Path):
    from selenium.webdriver.common.by import By

    clip = sorted((report / "clips" / "mead").glob("*.html"))[0]
    _open(driver, clip)
    assert driver.execute_script("return document.querySelector('.ref img').naturalWidth") > 0
    assert (
        driver.find_elements(By.CSS_SELECTOR, "svg.wave")
        and len(driver.find_elements(By.CSS_SELECTOR, "svg.curves")) == 2
    )
    driver.execute_script("window.eatbenchSync.setAll(0.8)")
    x = driver.execute_script("return Number(document.querySelector('svg.wave .playhead').getAttribute('x1'))")
    assert x > 0  # the playhead follows the videos
    assert console_errors(driver) == []
    _open(driver, report / "index.html")
    assert len(driver.find_elements(By.CSS_SELECTOR, "figure.paper-table")) == 4
    assert console_errors(driver) == []


def test_screenshot_of_each_page_kind(driver, report: Path, tmp_path: Path):
    # ``driver`` holds the browser check (skip on a developer's machine without Chromium, fail under CI).
    paths = screenshots(report, tmp_path / "screens")
    assert [p.name for p in paths] == ["index.png", "dataset.png", "clip.png"]
    from PIL import Image

    for p in paths:
        img = Image.open(p)
        assert img.width == 1400 and img.height > 600
        assert len(set(img.convert("L").getdata())) > 50  # a rendered page, not a blank one
