"""A third-party method plugs in through the ``eatbench.methods`` entry points, without editing eatbench."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = '''
from pathlib import Path

import numpy as np

from eatbench.io import write_video
from eatbench.methods.base import Method


class Mirror(Method):
    """The reference face, mirrored, for as many frames as the audio implies."""

    name = "mirror-face"
    version = "1"
    kind = "plugin"

    def generate(self, inp, emotion, seed, out_path):
        frames = np.broadcast_to(inp.reference[:, ::-1], (inp.n_frames, *inp.reference.shape))
        write_video(out_path, np.ascontiguousarray(frames), 25.0, inp.audio)
        return Path(out_path)
'''


def _site(tmp_path: Path, entry_points: str) -> Path:
    """A folder on sys.path holding a package and its installed metadata (a dist-info)."""
    site = tmp_path / "site"
    (site / "thirdparty").mkdir(parents=True)
    (site / "thirdparty" / "__init__.py").write_text(PLUGIN)
    info = site / "thirdparty-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: thirdparty\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    return site


def _eatbench(site: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{site}", "EATBENCH_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "eatbench", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)  # fmt: skip


def test_a_method_registered_by_entry_point_is_found_and_generates(tmp_path) -> None:
    import methods_kit

    site = _site(tmp_path, """
        [eatbench.methods]
        mirror-face = thirdparty:Mirror
        broken-one = thirdparty_missing:Nothing
    """)  # fmt: skip
    listed = _eatbench(site, tmp_path, "methods", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    infos = {i["name"]: i for i in json.loads(listed.stdout)}
    assert infos["mirror-face"]["available"] and infos["mirror-face"]["kind"] == "plugin"
    # a plugin that cannot be imported is listed with the reason; the others are unaffected
    assert not infos["broken-one"]["available"] and "thirdparty_missing" in infos["broken-one"]["reason"]
    assert infos["static-frame"]["available"]
    image, audio = methods_kit.write_face_and_speech(tmp_path)
    out = tmp_path / "out.mkv"
    made = _eatbench(site, tmp_path, "generate", "--method", "mirror-face", "--image", str(image),
                     "--audio", str(audio), "--out", str(out))  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert json.loads(out.with_suffix(".json").read_text())["method"] == "mirror-face"
    bad = _eatbench(site, tmp_path, "generate", "--method", "broken-one", "--image", str(image),
                    "--audio", str(audio), "--out", str(out))  # fmt: skip
    assert bad.returncode == 2 and "cannot load thirdparty_missing:Nothing" in bad.stderr


def test_methods_import_nothing_from_baselines() -> None:
    import re

    for path in (ROOT / "eatbench" / "methods").glob("*.py"):
        assert not re.search(r"^\s*(from|import) baselines\b", path.read_text(), re.M), path
