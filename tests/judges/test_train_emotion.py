"""The demo emotion judge: the fp16 file round-trips through ``EmotionVGG16.from_pretrained`` with its
training record, and the shipped judge classifies real held-out demo frames at its recorded accuracy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from demo_slice import held_out_clips, one_per_actor

from eatbench.clip import EMOTIONS
from eatbench.judges.emotion import DEMO_CONFIG, EmotionVGG16
from eatbench.judges.judge_data import evenly_spaced, read_training, save_judge, set_training
from eatbench.judges.weights import DEMO_WEIGHTS_DIR


def test_fp16_file_round_trips_with_its_record(tmp_path):
    torch.manual_seed(0)
    judge = EmotionVGG16(DEMO_CONFIG)
    for m in judge.modules():  # non-trivial BatchNorm statistics
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    path = save_judge(judge.state_dict(), tmp_path / "emotion.safetensors", {**DEMO_CONFIG.to_dict(), "init": "x"})
    set_training(path, {"judge": "emotion", "held_out_accuracy": 1.0})
    loaded = EmotionVGG16.from_pretrained(path)
    assert loaded.info == {"init": "x"} and read_training(path)["judge"] == "emotion"
    with torch.no_grad():
        for p in list(judge.parameters()) + list(judge.buffers()):
            if p.is_floating_point():
                p.copy_(p.half().float())
    frames = np.random.default_rng(0).integers(0, 256, (3, 80, 80, 3), dtype=np.uint8)
    np.testing.assert_allclose(loaded.logits(frames), judge.eval().logits(frames), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_shipped_judge_reaches_its_recorded_accuracy_on_held_out_frames(tmp_path_factory):
    path = DEMO_WEIGHTS_DIR / "emotion.safetensors"
    record = read_training(path)
    judge = EmotionVGG16.from_pretrained(path)
    assert record["judge"] == "emotion" and record["held_out_accuracy"] >= 0.95
    assert judge.info["held_out_accuracy"] == record["held_out_accuracy"]  # what Emo-Acc prints
    clips = held_out_clips(tmp_path_factory.getbasetemp() / "demo-slice", one_per_actor(8))  # 8 emotions
    frames = np.concatenate([p.frames[evenly_spaced(p.num_frames, 8)] for p in clips])
    labels = np.concatenate([[EMOTIONS.index(p.clip.emotion)] * min(8, p.num_frames) for p in clips])
    accuracy = float((judge.predict(frames) == labels).mean())
    assert accuracy >= record["held_out_accuracy"] - 0.1, accuracy
