"""The judges' one training road (:func:`eatbench.judges.recipe.train_judge`): each demo judge trains on a tiny
demo corpus, its file carries the shared training record, and the recorded held-out accuracy is the one the
saved fp16 file gives when it is loaded again and measured the same way."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

import eatbench
from eatbench.judges.judge_data import read_training

SHARED_KEYS = {
    "judge", "dataset", "train_split", "held_out_split", "train_clips", "held_out_clips", "seed", "steps",
    "seconds", "dtype", "held_out_accuracy", "held_out_measure", "first_loss", "final_loss",
}  # fmt: skip


def test_no_judge_module_imports_the_metrics():
    """The judges sit below the metrics: nothing in eatbench/judges imports eatbench.metrics (issue 13.4)."""
    root = Path(eatbench.__file__).parent / "judges"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}" for n in names if n == "eatbench.metrics" or n.startswith("eatbench.metrics.")
            ]
    assert offenders == []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, monkeypatch_module):
    """A 2-actor, 2-emotion, 4-sentence demo corpus (sentences 004 are its test split) and a private home."""
    from eatbench.datasets.demo import generate_corpus

    base = tmp_path_factory.mktemp("judge-recipe")
    monkeypatch_module.setenv("EATBENCH_HOME", str(base / "home"))
    return generate_corpus(base / "MEAD", seed=0, actors=["M003", "W009"], emotions=["happy", "sad"], sentences=4)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _check_record(path: Path, record: dict, judge: str) -> None:
    assert read_training(path) == record
    assert SHARED_KEYS <= set(record) and record["judge"] == judge and record["dtype"] == "float16"
    assert record["dataset"] == "demo" and record["train_split"] == "train" and record["held_out_split"] == "test"
    assert 0 <= record["held_out_accuracy"] <= 1 and record["held_out_clips"] == 4  # sentence 004 of 2 × 2


@pytest.mark.slow
def test_sync_judge_ships_what_it_measured(corpus, tmp_path):
    from eatbench.judges.syncnet import load_syncnet
    from eatbench.judges.train_sync import SyncJudgeConfig, evaluate_sync, train_sync_judge
    from eatbench.preprocess.prepare import prepare_clip

    tiny = SyncJudgeConfig(feature_dim=8, audio_channels=(4, 4, 4, 4, 4, 8), lip_channels=(4, 4, 4, 4, 4, 8), steps=2,
                           batch_clips=2, windows=4, segment=8)  # fmt: skip
    path, record = train_sync_judge("demo", corpus, tmp_path / "syncnet.safetensors", tiny)
    _check_record(path, record, "sync")
    assert record["train_clips"] == 12 and record["settings"]["steps"] == 2
    from eatbench.datasets.registry import get_dataset

    again = evaluate_sync(load_syncnet(path), [prepare_clip(c) for c in get_dataset("demo", corpus).clips("test")])
    assert record["held_out_accuracy"] == again.offset_zero and record["held_out_lse_d"] == again.lse_d


@pytest.mark.slow
def test_identity_judge_ships_what_it_measured(corpus, tmp_path):
    from eatbench.judges.arcface import ArcFaceTorch, load_iresnet_safetensors
    from eatbench.judges.train_identity import IdentityJudgeConfig, train_identity_judge

    tiny = IdentityJudgeConfig(layers=(1, 1), widths=(4, 8), num_features=8, steps=2, batch_size=8, frames_per_clip=2)
    path, record = train_identity_judge("demo", corpus, tmp_path / "identity.safetensors", tiny)
    _check_record(path, record, "identity")
    assert record["identities"] == ["M003", "W009"] and record["train_frames"] <= 24
    judge = ArcFaceTorch(load_iresnet_safetensors(path))
    assert judge.net.config == {"layers": [1, 1], "widths": [4, 8], "num_features": 8}


@pytest.mark.slow
def test_emotion_judge_ships_what_it_measured(corpus, tmp_path):
    from eatbench.datasets.registry import get_dataset
    from eatbench.judges.emotion import EmotionJudgeConfig, EmotionVGG16
    from eatbench.judges.train_emotion import accuracy, collect_frames, train_demo_judge

    tiny = EmotionJudgeConfig(input_size=32, width=0.125, hidden=16, pool=1, batch_norm=True)
    path, record = train_demo_judge("demo", corpus, tmp_path / "emotion.safetensors", steps=2, config=tiny)
    _check_record(path, record, "emotion")
    judge = EmotionVGG16.from_pretrained(path)
    hx, hy = collect_frames(get_dataset("demo", corpus).clips("test"))
    acc, per = accuracy(judge, hx, hy)
    assert record["held_out_accuracy"] == acc == judge.info["held_out_accuracy"]
    assert judge.info["dtype"] == "float16" and judge.info["held_out_per_class"] == per
    assert np.isfinite(record["final_loss"])
