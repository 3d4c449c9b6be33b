"""The bundled tiny EAT-Face (eatface/weights/): `eatbench generate` as a new user runs it, no download.

Inputs are a face image and speech from a freshly generated demo clip (a seed the shipped model never
saw), given as plain files as a user would: the shipped weights must turn them into a talking-face
video whose frames still hold a face (the output contract checks it on every video). A real photo is
outside the tiny model's domain and must fail with one clear line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import methods_kit
import pytest

from eatbench.clip import EMOTIONS
from eatbench.io import read_audio, read_video, write_audio
from eatbench.methods.eatface import PACKAGE_WEIGHTS, EATFace

pytestmark = pytest.mark.slow
VARIANT_FOLDERS = {"full": "tiny", "w/o-EVE": "tiny-wo-eve", "w/o-FEC": "tiny-wo-fec", "w/o-Emo": "tiny-wo-emo"}


def eatbench(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EATBENCH_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "eatbench", *args], capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A demo-corpus face (the domain the tiny model was trained on) and that clip's speech."""
    import cv2

    from eatbench.datasets.demo import generate_corpus
    from eatbench.datasets.registry import get_dataset
    from eatbench.preprocess.prepare import prepare_clip

    d = tmp_path_factory.mktemp("shipped-inputs")
    root = generate_corpus(d / "MEAD", seed=3, actors=["W009"], emotions=["neutral"], sentences=1, workers=1)
    prepared = prepare_clip(get_dataset("demo", root).clips()[0])
    cv2.imwrite(str(d / "face.png"), cv2.cvtColor(prepared.reference, cv2.COLOR_RGB2BGR))
    write_audio(d / "speech.wav", prepared.audio)
    return d / "face.png", d / "speech.wav", prepared.audio.duration


def test_every_variant_is_shipped_and_found_without_weights_flag(tmp_path):
    for variant, folder in VARIANT_FOLDERS.items():
        index = PACKAGE_WEIGHTS / folder / "model_index.json"
        assert index.is_file(), f"{index} missing: the bundled model is part of the package"
        assert json.loads(index.read_text())["ablation"] == variant
        method = EATFace(variant=variant)
        assert method.availability().ok and method.weights_folder() == PACKAGE_WEIGHTS / folder
    shipped = sum(p.stat().st_size for p in PACKAGE_WEIGHTS.rglob("*") if p.is_file())
    assert shipped <= 40 * 2**20, f"shipped weights are {shipped / 2**20:.1f} MiB (limit 40)"


@pytest.mark.parametrize("emotion", EMOTIONS)
def test_generate_with_the_shipped_weights(inputs, tmp_path, home, emotion):
    """Every emotion: the output contract's face check must pass on each (it once failed on some)."""
    image, audio, seconds = inputs
    out = tmp_path / f"{emotion}.mp4"
    res = eatbench(
        "generate", "--method", "eatface", "--image", str(image), "--audio", str(audio), "--emotion", emotion,
        "--out", str(out), home=home,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    video = read_video(out)
    assert video.frames.shape == (round(seconds * 25), 256, 256, 3) and video.fps == 25.0
    assert abs(read_audio(out).duration - seconds) < 0.05
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["method"] == "eatface" and sidecar["emotion_used"] == emotion


def test_generate_with_a_variant_folder_as_weights(inputs, tmp_path, home):
    image, audio, seconds = inputs
    out = tmp_path / "wo-emo.mkv"
    res = eatbench(
        "generate", "--method", "eatface", "--weights", str(PACKAGE_WEIGHTS / "tiny-wo-emo"), "--image", str(image),
        "--audio", str(audio), "--emotion", "happy", "--out", str(out), home=home,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert "no emotion control" in res.stderr  # w/o-Emo ignores --emotion, and says so
    assert read_video(out).frames.shape[0] == round(seconds * 25)


def test_a_face_outside_the_tiny_models_domain_is_a_clear_error(tmp_path, home):
    """The tiny model knows the 8 synthetic demo faces only (its VAE reconstructs a photo at ~11 dB):
    on a real photo its output holds no face, and the output contract says so in one line instead of
    writing a broken video. Real faces need the paper preset trained on real data."""
    image, audio = methods_kit.write_face_and_speech(tmp_path)
    out = tmp_path / "photo.mp4"
    res = eatbench(
        "generate", "--method", "eatface", "--image", str(image), "--audio", str(audio), "--emotion", "happy",
        "--out", str(out), home=home,
    )  # fmt: skip
    assert res.returncode == 2 and "no face detected" in res.stderr and not out.exists()
    assert res.stderr.strip().splitlines()[-1].startswith("error: eatface")
