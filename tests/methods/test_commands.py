"""`eatbench methods list` and `eatbench generate` through the CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import methods_kit

from eatbench.io import read_audio, read_video, write_audio


def _eatbench(*args: str, env_home: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "EATBENCH_HOME": str(env_home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "eatbench", *args], capture_output=True, text=True, env=env)


def test_methods_list_json(tmp_path: Path) -> None:
    res = _eatbench("methods", "list", "--json", env_home=tmp_path)
    assert res.returncode == 0, res.stderr
    infos = {m["name"]: m for m in json.loads(res.stdout)}
    assert infos["static-frame"]["available"] is True
    assert infos["iplap"]["available"] is False and "EATBENCH_IPLAP_REPO" in infos["iplap"]["reason"]
    assert "EATBENCH_EAMM_DRIVING_ROOT" in infos["eamm"]["config"]["driving_root"]
    assert infos["emogen"]["emotion"].startswith("label, 6 classes")


def test_generate_static_frame_mp4_and_mkv(tmp_path: Path) -> None:
    import cv2

    image, audio = tmp_path / "face.png", tmp_path / "speech.wav"
    cv2.imwrite(str(image), cv2.cvtColor(methods_kit.face_image(), cv2.COLOR_RGB2BGR))
    write_audio(audio, methods_kit.speech(1.2))
    for suffix in (".mp4", ".mkv"):
        out = tmp_path / f"out{suffix}"
        res = _eatbench(
            "generate", "--method", "static-frame", "--image", str(image), "--audio", str(audio),
            "--out", str(out), env_home=tmp_path,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        video = read_video(out)
        assert video.frames.shape == (30, 256, 256, 3) and video.fps == 25.0
        assert abs(read_audio(out).duration - 1.2) < 0.05
        assert json.loads(out.with_suffix(".json").read_text())["method"] == "static-frame"


def test_generate_errors_are_one_line(tmp_path: Path) -> None:
    res = _eatbench(
        "generate", "--method", "statc-frame", "--image", "x.png", "--audio", "y.wav", "--out", "o.avi",
        env_home=tmp_path,
    )  # fmt: skip
    assert res.returncode == 2 and res.stderr.strip().count("\n") == 0
    assert "use .mkv" in res.stderr
    (tmp_path / "x.png").write_bytes(b"x")
    (tmp_path / "y.wav").write_bytes(b"y")
    res = _eatbench(
        "generate", "--method", "statc-frame", "--image", str(tmp_path / "x.png"), "--audio", str(tmp_path / "y.wav"),
        "--out", str(tmp_path / "o.mp4"), env_home=tmp_path,
    )  # fmt: skip
    assert res.returncode == 2 and "did you mean 'static-frame'" in res.stderr
