"""The VGG-16 emotion judge (training, persistence, ImageNet start) and the Emo-Acc metric."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from eatbench.clip import EMOTIONS
from eatbench.errors import MissingWeightsError
from eatbench.judges.emotion import EmotionJudgeConfig, EmotionVGG16
from eatbench.judges.train_emotion import imagenet_init, train_emotion_judge
from eatbench.metrics.base import Sample
from eatbench.metrics.emo_acc import EmoAcc

TINY = EmotionJudgeConfig(input_size=32, width=0.125, hidden=32, pool=1, dropout=0.0, batch_norm=True)


@pytest.fixture(autouse=True)
def one_thread():
    """Two shared cores: torch's default two threads thrash (20x slower); one thread is deterministic too."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _toy_data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Frames whose emotion is written as a colour: class k -> a distinct mean colour, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 8, n)
    palette = np.array([[(k * 37) % 256, (k * 91) % 256, (k * 151) % 256] for k in range(8)], np.float64)
    frames = palette[labels][:, None, None, :] + rng.normal(0, 20, (n, 40, 40, 3))
    return np.clip(frames, 0, 255).astype(np.uint8), labels


def test_judge_trains_and_loss_falls(tmp_path):
    x, y = _toy_data(96, 0)
    vx, vy = _toy_data(48, 1)
    report = train_emotion_judge(x, y, tmp_path, vx, vy, config=TINY, steps=120, batch_size=16, lr=3e-3, seed=0)
    assert np.mean(report.losses[-10:]) < 0.7 * np.mean(report.losses[:10])
    assert report.held_out_accuracy > 0.3  # chance is 0.125
    assert report.init == "scratch"  # a narrow VGG-16-BN can't take ImageNet weights, and says so
    saved = json.loads((tmp_path / "config.json").read_text())
    assert saved["held_out_accuracy"] == report.held_out_accuracy and saved["init"] == "scratch"


def test_save_load_round_trip_gives_identical_logits(tmp_path):
    torch.manual_seed(0)
    judge = EmotionVGG16(TINY)
    frames = _toy_data(5, 2)[0]
    path = judge.save_pretrained(tmp_path, {"held_out_accuracy": 0.5}, weights_name="emotion.safetensors")
    loaded = EmotionVGG16.from_pretrained(path)
    assert loaded.config == judge.config and loaded.info["held_out_accuracy"] == 0.5
    assert np.array_equal(judge.logits(frames), loaded.logits(frames))


def test_imagenet_file_initialises_the_convolutions(tmp_path):
    cfg = EmotionJudgeConfig(input_size=32, width=1.0, hidden=16, pool=1)
    torch.manual_seed(1)
    source = EmotionVGG16(cfg)
    # a torchvision-format state dict (features.* and classifier.*) under the official file name
    state = {k: v for k, v in source.state_dict().items() if k.startswith("features.")}
    state["classifier.6.weight"] = torch.zeros(1000, 4096)  # ImageNet head: never copied
    (tmp_path / "checkpoints").mkdir()
    torch.save(state, tmp_path / "checkpoints" / "vgg16-397923af.pth")
    torch.manual_seed(2)
    judge = EmotionVGG16(cfg)
    assert imagenet_init(judge, hub_dir=tmp_path) == "imagenet"
    assert torch.equal(judge.features[0].weight, source.features[0].weight)
    assert torch.equal(judge.features[28].weight, source.features[28].weight)
    assert imagenet_init(EmotionVGG16(cfg), hub_dir=tmp_path / "nowhere") == "scratch"


def _constant_judge(path, predicted: str):
    """A judge that classifies every frame as ``predicted`` (zero last layer, one-hot bias)."""
    judge = EmotionVGG16(TINY)
    with torch.no_grad():
        judge.classifier[6].weight.zero_()
        judge.classifier[6].bias.copy_(torch.eye(8)[EMOTIONS.index(predicted)])
    return judge.save_pretrained(path, {"held_out_accuracy": 0.9})


def test_emo_acc_hand_made_case(tmp_path):
    judge = _constant_judge(tmp_path, "happy")
    m = EmoAcc(judge_path=judge)
    frames = np.zeros((4, 40, 40, 3), np.uint8)
    s_happy = m.clip_state(Sample(gen=frames, emotion="happy"))  # 4/4 correct
    s_sad = m.clip_state(Sample(gen=frames[:2], emotion="sad"))  # 0/2 correct
    s_happy2 = m.clip_state(Sample(gen=frames[:1], emotion="happy"))  # 1/1 correct
    merged = m.merge([s_happy, s_sad, s_happy2])
    per = m.per_emotion(merged)
    assert per["happy"] == 100.0 and per["sad"] == 0.0 and per["angry"] is None
    assert m.value(merged) == pytest.approx(50.0)  # mean of the two emotions with frames
    assert EmoAcc(average="frames", judge_path=judge).value(merged) == pytest.approx(100 * 5 / 7)
    # merged shards == one pass
    assert m.value(m.merge([m.merge([s_happy, s_sad]), s_happy2])) == m.value(merged)
    assert m.judge_facts()["held_out_accuracy"] == 0.9


def test_missing_judge_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path))
    m = EmoAcc()
    with pytest.raises(MissingWeightsError, match=r"emotion_judge_mead\.safetensors"):
        m.clip_state(Sample(gen=np.zeros((1, 40, 40, 3), np.uint8), emotion="happy"))


def test_config_validation():
    with pytest.raises(ValueError, match="input_size"):
        EmotionJudgeConfig(input_size=16)
    with pytest.raises(ValueError, match="width"):
        EmotionJudgeConfig(width=0)
