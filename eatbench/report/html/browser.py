"""A headless Chromium, driven by Selenium: screenshots of the report's pages, and the browser tests.

Chromium and its driver come from the system (Debian: ``apt-get install chromium chromium-driver``);
nothing is downloaded. They are found at ``$EATBENCH_CHROMIUM`` / ``$EATBENCH_CHROMEDRIVER``, else
on ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``; ``chromedriver``).

:func:`screenshots` opens one page of each kind (index, dataset grid, clip) once every video on it
can play, seeks the videos to one second so faces show, and writes ``screens/<kind>.png``.

Example:
    >>> with chromium() as driver:  # doctest: +SKIP
    ...     driver.get("file:///tmp/report/index.html")
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
    "--hide-scrollbars",
)


def find_browser() -> tuple[Path, Path]:
    """(chromium, chromedriver) paths.

    Raises:
        EatbenchError: either is missing, with the command that installs both.
    """
    browser = os.environ.get("EATBENCH_CHROMIUM") or next(
        (p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None
    )
    driver = os.environ.get("EATBENCH_CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver or not Path(browser).is_file() or not Path(driver).is_file():
        raise EatbenchError(
            "headless Chromium not found (need chromium and chromedriver on PATH, or EATBENCH_CHROMIUM and "
            "EATBENCH_CHROMEDRIVER); on Debian: apt-get install chromium chromium-driver"
        )
    return Path(browser), Path(driver)


@contextlib.contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    """A Selenium Chrome driver on a fresh, empty profile that is removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = find_browser()
    profile = Path(tempfile.mkdtemp(prefix="eatbench-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(browser)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(driver_path)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    """The browser console's errors (and failed loads) since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def wait_for(driver: Any, script: str, timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Run ``script`` until it returns something truthy; return that value.

    Raises:
        TimeoutError: it never did within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = driver.execute_script(script)
        if last:
            return last
        time.sleep(interval)
    raise TimeoutError(f"waited {timeout:g} s for: {script} (last {last!r})")


VIDEOS_READY = "return Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 2)"


def screenshots(report: Path, out: Path | None = None) -> list[Path]:
    """One PNG per page kind of a built report: ``index.png``, ``dataset.png``, ``clip.png``.

    Raises:
        EatbenchError: no browser, or a page that logs a console error.
    """
    report = Path(report).resolve()
    out = out or report / "screens"
    out.mkdir(parents=True, exist_ok=True)
    pages = {"index": report / "index.html"}
    datasets = sorted((report / "datasets").glob("*.html"))
    clips = sorted((report / "clips").glob("*/*.html"))
    if datasets:
        pages["dataset"] = datasets[0]
    if clips:
        pages["clip"] = clips[0]
    written = []
    with chromium() as driver:
        for kind, page in pages.items():
            driver.get(page.as_uri())
            wait_for(driver, VIDEOS_READY, timeout=60)
            driver.execute_script("if (window.eatbenchSync) window.eatbenchSync.setAll(1.0)")
            time.sleep(0.5)
            errors = console_errors(driver)
            if errors:
                raise EatbenchError(f"{page.name}: the browser console shows errors: {'; '.join(errors)[:500]}")
            path = out / f"{kind}.png"
            driver.save_screenshot(str(path))
            written.append(path)
    return written
