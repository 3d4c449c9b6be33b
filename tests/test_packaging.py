"""A built wheel carries the shipped weights and the published numbers, where the code looks for them.

The weight folders are plain data folders (no ``__init__.py``), so only pyproject's package-data
puts them into a wheel; an editable install (what ``make`` does) would hide their absence. An
installed wheel prints every table from a folder outside the checkout.
"""

from __future__ import annotations

import os
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
