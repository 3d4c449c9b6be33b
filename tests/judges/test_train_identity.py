"""The demo identity-judge trainer: CosFace logits by hand, nearest-centroid identification, the loss
falls, the saved file round-trips, and the shipped judge tells the demo actors apart through CSIM's path."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from demo_slice import ACTORS, held_out_clips

from eatbench.clip import EMOTIONS
from eatbench.judges.arcface import ArcFaceTorch, load_iresnet_safetensors
from eatbench.judges.judge_data import read_training, save_judge
from eatbench.judges.train_identity import (
    IdentityJudgeConfig,
    cosface_logits,
    identity_crops,
    nearest_centroid,
    train_iresnet,
)
from eatbench.judges.weights import DEMO_WEIGHTS_DIR

TINY = dict(layers=(1, 1), widths=(4, 8), num_features=8)


def test_cosface_logits_by_hand():
    emb = torch.tensor([[3.0, 4.0]])  # unit vector (0.6, 0.8)
    weight = torch.tensor([[1.0, 0.0], [0.0, 2.0]])  # unit rows (1, 0) and (0, 1)
    out = cosface_logits(emb, weight, torch.tensor([1]), s=10.0, m=0.25)
    torch.testing.assert_close(out, torch.tensor([[6.0, 10 * (0.8 - 0.25)]]))


def test_nearest_centroid_by_hand():
    train = np.array([[1.0, 0.0], [2.0, 0.1], [0.0, 1.0], [0.1, 3.0]])
    test = np.array([[5.0, 1.0], [1.0, 5.0], [1.0, 0.9]])
    result = nearest_centroid(train, np.array([0, 0, 1, 1]), test, np.array([0, 1, 1]))
    assert result["accuracy"] == pytest.approx(2 / 3)  # the last point is nearer class 0
    assert -1 <= result["other_cosine"] < result["same_cosine"] <= 1


def _two_faces(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two 'identities': noisy crops around two different fixed random images."""
    rng = np.random.default_rng(seed)
    bases = rng.integers(0, 256, (2, 112, 112, 3))
    labels = np.arange(n) % 2
    crops = np.clip(bases[labels] + rng.normal(0, 40, (n, 112, 112, 3)), 0, 255).astype(np.uint8)
    return crops, labels


def test_training_lowers_the_loss_and_is_deterministic():
    crops, labels = _two_faces(32)
    config = IdentityJudgeConfig(steps=15, batch_size=16, **TINY)
    _, losses = train_iresnet(crops, labels, 2, config)
    assert np.mean(losses[-3:]) < np.mean(losses[:3])
    _, again = train_iresnet(crops, labels, 2, IdentityJudgeConfig(steps=3, batch_size=16, **TINY))
    assert again == losses[:3]


def test_saved_file_round_trips(tmp_path):
    crops, labels = _two_faces(8)
    net, _ = train_iresnet(crops, labels, 2, IdentityJudgeConfig(steps=2, batch_size=8, **TINY))
    path = save_judge(net.state_dict(), tmp_path / "identity.safetensors", net.config, {"judge": "identity"})
    loaded = load_iresnet_safetensors(path)
    assert loaded.config == net.config and read_training(path) == {"judge": "identity"}
    with torch.no_grad():
        for p in list(net.parameters()) + list(net.buffers()):
            if p.is_floating_point():
                p.copy_(p.half().float())
    np.testing.assert_array_equal(ArcFaceTorch(loaded).embed(crops), ArcFaceTorch(net).embed(crops))


@pytest.mark.slow
def test_shipped_judge_identifies_demo_actors_on_held_out_clips(tmp_path_factory):
    path = DEMO_WEIGHTS_DIR / "identity.safetensors"
    record = read_training(path)
    assert record["judge"] == "identity" and record["held_out_accuracy"] >= 0.95
    judge = ArcFaceTorch(load_iresnet_safetensors(path))
    root = tmp_path_factory.getbasetemp() / "demo-slice"
    first = held_out_clips(root, [(a, e, 4) for a, e in zip(ACTORS[:4], EMOTIONS, strict=False)])  # centroids
    second = held_out_clips(root, [(a, e, 8) for a, e in zip(ACTORS[:4], EMOTIONS[4:], strict=False)])  # identified
    a_crops, a_actors = identity_crops(first, 4)
    b_crops, b_actors = identity_crops(second, 4)
    names = sorted(set(a_actors))
    result = nearest_centroid(
        judge.embed(a_crops),
        np.array([names.index(a) for a in a_actors]),
        judge.embed(b_crops),
        np.array([names.index(a) for a in b_actors]),
    )
    assert result["accuracy"] >= math.floor(100 * record["held_out_accuracy"] - 10) / 100, result
    assert result["same_cosine"] > result["other_cosine"] + 0.2, result
