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


def test_methods_list_names_the_variants_keeps_the_hint_and_imports_no_model_library(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from eatbench.cli import app\n"
        "r = CliRunner().invoke(app, ['methods', 'list'], terminal_width=400)\n"
        "print(r.output)\n"
        "heavy = sorted(m for m in ('torch', 'diffusers', 'transformers', 'cv2', 'mediapipe', 'av', 'scipy',\n"
        "               'sklearn', 'onnxruntime', 'matplotlib', 'eatface') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    import os

    env = {**os.environ, "EATBENCH_HOME": str(tmp_path), "COLUMNS": "400"}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "HEAVY []" in res.stdout  # listing methods loads no model library (it took 16-18 s with torch)
    rows = [line for line in res.stdout.splitlines() if line.startswith("│ eatface")]
    assert len(rows) == 4 and len(set(rows)) == 4  # one row per variant, each named
    for v in ("w/o-EVE", "w/o-FEC", "w/o-Emo", "full (default)"):
        assert any(v in r for r in rows), v
    assert "`repo` under [makeittalk] in" in res.stdout  # rich no longer eats the table name
    infos = json.loads(_eatbench("methods", "list", "--json", env_home=tmp_path).stdout)
    assert [i["variant"] for i in infos if i["name"] == "eatface"] == ["w/o-EVE", "w/o-FEC", "w/o-Emo", "full"]


def test_generate_checks_the_output_location_before_generating(tmp_path: Path) -> None:
    import os
    import resource
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="eatbench-gen-"))  # world-readable, so an unprivileged user reaches it
    os.chmod(d, 0o755)
    try:
        image, audio = methods_kit.write_face_and_speech(d)
        args = ["generate", "--method", "static-frame", "--image", str(image), "--audio", str(audio), "--out"]
        (d / "afile").write_text("x")
        # (a read-only folder: tests/test_hostile_inputs.py mounts one; file modes do not stop root)
        cases = [
            (d / "afile" / "out.mkv", {}, "afile is a file, not a folder"),
            # a full disk: a file-size limit makes the probe's reservation fail as ENOSPC would
            (d / "full" / "out.mkv", {"preexec_fn": lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20,) * 2)},
             "no room for the video"),
        ]  # fmt: skip
        env = {**os.environ, "EATBENCH_HOME": str(d / "home"), "HF_HUB_OFFLINE": "1"}
        for out, extra, expected in cases:
            res = subprocess.run([sys.executable, "-m", "eatbench", *args, str(out)], capture_output=True,
                                 text=True, env=env, timeout=300, **extra)  # fmt: skip
            assert res.returncode == 4, (out, res.stderr)  # an environment fault
            assert (
                res.stderr.strip().count("\n") == 0 and expected in res.stderr and "nothing was generated" in res.stderr
            )
            assert not out.exists()
    finally:
        import shutil

        shutil.rmtree(d, ignore_errors=True)
