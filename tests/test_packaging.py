"""A built wheel carries the shipped weights, where the code looks for them.

The weight folders are plain data folders (no ``__init__.py``), so only pyproject's package-data
puts them into a wheel; an editable install (what ``make`` does) would hide their absence.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WEIGHT_FOLDERS = ["eatface/weights", "eatbench/judges/demo_weights"]


@pytest.mark.slow
def test_the_wheel_holds_every_shipped_weight_file(tmp_path):
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
    (wheel,) = tmp_path.glob("eatbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for d in WEIGHT_FOLDERS for p in (ROOT / d).rglob("*") if p.is_file()}
    assert any(n.endswith("tiny/unet/diffusion_pytorch_model.safetensors") for n in shipped)
    assert shipped - names == set()
    # eatbench.methods.eatface.PACKAGE_WEIGHTS is <site-packages>/eatface/weights: both sit at the root.
    assert "eatbench/methods/eatface.py" in names and "eatface/weights/tiny/model_index.json" in names
