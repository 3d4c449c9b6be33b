"""A scripted participant in headless Chromium: consent, watch (answers locked until the video ends),
score, reload to resume, finish; the export goes through `study import` into Table III.

With ``EATBENCH_SCREENS=DIR`` the welcome and rating pages are saved there (the README's screenshots)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from eatbench.report.html.browser import console_errors, wait_for
from eatbench.report.study import parse_ratings_csv
from eatbench.report.tables import build_table
from eatbench.store import ResultsStore
from eatbench.study.app import Server, ratings_csv
from eatbench.study.db import StudyDB

pytestmark = pytest.mark.slow


def _answer_one(driver, speed: float = 4.0) -> None:
    from selenium.webdriver.common.by import By

    wait_for(driver, "return document.getElementById('video').readyState >= 2", 30)
    assert driver.find_element(By.ID, "questions").get_attribute("disabled") is not None
    assert not driver.find_element(By.ID, "next").is_enabled()
    driver.execute_script(
        f"const v = document.getElementById('video'); v.muted = true; v.currentTime = 0; v.playbackRate = {speed}; v.play()"
    )
    wait_for(driver, "return document.getElementById('questions').disabled === false", 30)
    for i, s in enumerate(driver.find_elements(By.CSS_SELECTOR, "input.score")):
        driver.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", s, 6 + i
        )
    assert driver.find_element(By.ID, "next").is_enabled()
    driver.find_element(By.ID, "next").click()


def test_a_participant_completes_resumes_and_the_ratings_reach_table_iii(driver, group2, tmp_path):
    from selenium.webdriver.common.by import By

    folder = tmp_path / "study"
    shutil.copytree(group2, folder)
    server = Server(folder, port=0).start()
    screens = os.environ.get("EATBENCH_SCREENS")
    try:
        console_errors(driver)
        driver.delete_all_cookies()
        driver.get(server.url + "/")
        if screens:
            driver.save_screenshot(str(Path(screens) / "study_welcome.png"))
        driver.find_element(By.ID, "consent").click()
        field = driver.find_element(By.ID, "anon_id")
        field.clear()
        field.send_keys("carol")
        driver.find_element(By.ID, "start").click()
        wait_for(driver, "return location.pathname.startsWith('/p/')", 20)
        total = len(StudyDB(folder).participants()[0]["schedule"])
        # Scoring is locked until the video has played through: a seek to the end does not count.
        wait_for(driver, "return document.getElementById('video').readyState >= 2", 30)
        driver.execute_script(
            "const v = document.getElementById('video'); v.currentTime = v.duration - 0.05; v.muted = true; v.play()"
        )
        wait_for(driver, "return document.getElementById('video').ended", 20)
        assert driver.find_element(By.ID, "questions").get_attribute("disabled") is not None
        driver.refresh()
        if screens:
            driver.execute_script("document.getElementById('video').currentTime = 0.8")
            driver.save_screenshot(str(Path(screens) / "study_rate.png"))
        _answer_one(driver)
        wait_for(
            driver,
            "return document.querySelector('.progress') && document.querySelector('.progress').textContent.includes('Video 2 ')",
            20,
        )
        # Closing the tab and coming back (a reload, or the study's front page) resumes where it stopped.
        driver.refresh()
        assert "Video 2 of" in driver.find_element(By.CSS_SELECTOR, ".progress").text
        driver.get(server.url + "/")
        wait_for(driver, "return location.pathname.startsWith('/p/')", 20)
        assert "Video 2 of" in driver.find_element(By.CSS_SELECTOR, ".progress").text
        for k in range(2, total + 1):
            _answer_one(driver)
            if k < total:
                wait_for(
                    driver,
                    f"return document.querySelector('.progress') && document.querySelector('.progress').textContent.includes('Video {k + 1} ')",
                    20,
                )
        wait_for(driver, "return document.getElementById('done') !== null", 20)
        assert console_errors(driver) == []
    finally:
        server.stop()
    db = StudyDB(folder)
    (p,) = db.participants()
    assert p["anon_id"] == "carol" and len(p["done"]) == total
    rows = parse_ratings_csv(ratings_csv(db))
    store = ResultsStore(tmp_path / "results.db")
    store.put_ratings(rows, "export.csv")
    measured = [r for r in build_table(3, store, [], published=False).rows if r.kind == "measured"]
    assert {r.label for r in measured} == {"static-frame", "shifted-audio"}
    # Sliders were set to 6, 7, 8, 6 for the four questions on every item.
    for r in measured:
        assert [c.text.split(" ")[0] for c in r.cells[:4]] == [
            "6.000",
            "7.000",
            "8.000",
            "9.000",
        ]  # each question its own score
        assert r.cells[4].text == "1"
