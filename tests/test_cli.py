"""The CLI skeleton: groups, lazy imports, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

GROUPS = ("data", "metrics", "weights", "methods", "generate", "run", "ablate", "table", "reproduce", "train")


def eatbench(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eatbench", *args], capture_output=True, text=True, env=env)


def test_help_lists_every_group():
    out = eatbench("--help")
    assert out.returncode == 0
    for group in GROUPS:
        assert f" {group} " in out.stdout, group


def test_help_imports_nothing_heavy():
    """`eatbench --help` must stay instant: no torch, diffusers, mediapipe, cv2 or av at import time."""
    code = (
        "import sys; from eatbench.cli import app; from typer.testing import CliRunner;"
        "CliRunner().invoke(app, ['--help']);"
        "heavy = [m for m in ('torch', 'diffusers', 'transformers', 'mediapipe', 'cv2', 'av', 'numpy', 'sklearn')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("group", [g for g in GROUPS if g not in ("generate", "run", "ablate", "reproduce")])
def test_every_group_has_help(group):
    out = eatbench(group, "--help")
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout


def test_unknown_dataset_is_one_line_error(tmp_path):
    out = eatbench("data", "info", "--dataset", "meed", "--root", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "did you mean 'mead'" in out.stderr
    assert "Traceback" not in out.stderr


def test_data_info_json(tmp_path):
    root = tmp_path / "MEAD"
    for actor in ("M003", "M012"):
        for emo, lv in (("angry", 2), ("neutral", 1)):
            d = root / actor / "video" / "front" / emo / f"level_{lv}"
            d.mkdir(parents=True)
            (d / "001.mp4").write_bytes(b"x")
    out = eatbench("data", "info", "--dataset", "mead", "--root", str(root), "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["clips"] == 4
    assert info["per_split"] == {"test": 2, "train": 2}
    assert info["per_emotion"] == {"angry": 2, "neutral": 2}
