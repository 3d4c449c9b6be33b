"""`eatbench train` through the CLI, as a user runs it, and the folder it writes as `--weights DIR`.

A real (tiny) dataset is prepared and trained one step per stage. One step gives no face yet, so
generation from a trained folder is checked with the shipped weights (tests/methods/test_shipped_eatface.py);
here the folder's variant is what `--method eatface --weights DIR` takes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eatbench.errors import EatbenchError
from eatbench.methods.eatface import EATFace
from eatbench.paths import sha256_file

pytestmark = pytest.mark.slow


def eatbench(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EATBENCH_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "eatbench", *args], capture_output=True, text=True, env=env, timeout=900
    )


@pytest.fixture(scope="module")
def trained(mead, home, tmp_path_factory):
    root, _ = mead
    out = tmp_path_factory.mktemp("train-cli") / "tiny"
    res = eatbench(
        "train", "all", "--dataset", "mead", "--root", str(root), "--steps", "1", "--out", str(out), home=home
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return root, out, res


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    import methods_kit

    return methods_kit.write_face_and_speech(tmp_path_factory.mktemp("gen-inputs"))


def test_train_all_runs_every_stage_and_a_rerun_skips_them(trained, home):
    root, out, _ = trained
    state = json.loads((out / "training_state.json").read_text())
    assert set(state["stages"]) == {"vae", "tfr", "eve", "controlnet", "finetune", "interpolator"}
    assert all(s["steps"] == 1 for s in state["stages"].values())
    assert json.loads((out / "model_index.json").read_text())["ablation"] == "full"
    weights = lambda: {p: sha256_file(p) for p in out.rglob("*.safetensors") if "checkpoints" not in p.parts}  # noqa: E731
    before = weights()
    again = eatbench(
        "train", "all", "--dataset", "mead", "--root", str(root), "--steps", "1", "--out", str(out), home=home
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("(already done)") == 6, again.stdout
    assert weights() == before  # nothing retrained
    # and each stage's record still tells how it was trained (the re-run used to write 0-step records over it)
    assert json.loads((out / "training_state.json").read_text())["stages"] == state["stages"]


def test_generate_takes_the_variant_a_folder_holds(trained, home, tmp_path):
    root, full, _ = trained
    wo_emo = tmp_path / "tiny-wo-emo"
    res = eatbench(
        "train", "all", "--variant", "w/o-Emo", "--init-from", str(full), "--dataset", "mead", "--root", str(root),
        "--out", str(wo_emo), home=home,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads((wo_emo / "model_index.json").read_text())["ablation"] == "w/o-Emo"
    method = EATFace(weights=wo_emo)  # what `--method eatface --weights DIR` builds
    assert method.variant == "w/o-Emo" and not method.emotion_controlled
    assert method.pipeline().config.ablation == "w/o-Emo"
    # A variant named explicitly still checks the folder it is given.
    with pytest.raises(EatbenchError, match="holds variant w/o-Emo, not w/o-EVE"):
        EATFace(weights=wo_emo, variant="w/o-EVE").pipeline()
