"""The demo SyncNet trainer: the loss falls, training is deterministic, the saved file round-trips, and
the shipped judge finds the true audio offset of real demo clips through the LSE evaluation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from demo_slice import held_out_clips, one_per_actor

from eatbench.judges.functional.lse import lse
from eatbench.judges.functional.mfcc import mfcc
from eatbench.judges.judge_data import read_training, save_judge
from eatbench.judges.syncnet import load_syncnet
from eatbench.judges.train_sync import (
    SyncClip,
    SyncJudgeConfig,
    audio_windows,
    shift_audio,
    train_syncnet,
)
from eatbench.judges.weights import DEMO_WEIGHTS_DIR

TINY = dict(feature_dim=16, audio_channels=(4, 8, 8, 8, 8, 16), lip_channels=(4, 8, 8, 8, 8, 16))


def _synthetic_clips(n: int, frames: int = 12, seed: int = 0) -> list[SyncClip]:
    """Clips whose brightness follows the loudness of their (noise) audio, frame by frame."""
    rng = np.random.default_rng(seed)
    clips = []
    for _ in range(n):
        loud = rng.random(frames) > 0.5  # (T,) a loud or silent frame
        audio = (rng.standard_normal(frames * 640) * 8000 * np.repeat(loud, 640)).astype(np.int16)
        video = np.repeat((40 + 180 * loud).astype(np.uint8), 224 * 224 * 3).reshape(frames, 224, 224, 3)
        clips.append(SyncClip(video, 0, audio_windows(audio, frames)))
    return clips


def test_audio_windows_are_the_evaluation_windows():
    audio = (np.random.default_rng(0).standard_normal(20 * 640) * 3000).astype(np.int16)
    w = audio_windows(audio, 20)
    cc = mfcc(audio, 16000).T  # (13, M)
    assert w.shape == (20 - 5, 1, 13, 20)  # N = min_length - 5 (metrics-protocols.md §1.2 step 6)
    np.testing.assert_array_equal(w[3, 0].numpy(), cc[:, 12:32].astype(np.float32))  # window v = columns 4v..4v+19


def test_shift_audio_delays_and_advances_by_whole_frames():
    x = np.arange(1, 10 * 640 + 1, dtype=np.int16)
    delayed, advanced = shift_audio(x, 2), shift_audio(x, -2)
    assert len(delayed) == len(advanced) == len(x)
    np.testing.assert_array_equal(delayed[:1280], 0)
    np.testing.assert_array_equal(delayed[1280:], x[:-1280])
    np.testing.assert_array_equal(advanced[:-1280], x[1280:])


def test_config_rejects_a_segment_shorter_than_the_windows():
    from eatbench.errors import EatbenchError

    with pytest.raises(EatbenchError, match="segment"):
        SyncJudgeConfig(segment=8, windows=12)


def test_training_lowers_the_loss_and_is_deterministic():
    clips = _synthetic_clips(4)
    config = SyncJudgeConfig(steps=12, batch_clips=2, windows=4, max_offset=3, segment=12, lr=3e-3, **TINY)
    _, losses = train_syncnet(clips, config)
    assert np.mean(losses[-3:]) < np.mean(losses[:3])
    _, again = train_syncnet(clips, SyncJudgeConfig(**{**config.__dict__, "steps": 3}))
    assert again == losses[:3]


def test_saved_file_round_trips(tmp_path):
    net, _ = train_syncnet(_synthetic_clips(2), SyncJudgeConfig(steps=2, batch_clips=2, windows=4, segment=12, **TINY))
    path = save_judge(net.state_dict(), tmp_path / "syncnet.safetensors", net.config, {"held_out_accuracy": 0.5})
    loaded = load_syncnet(path)
    assert loaded.config == net.config
    assert read_training(path) == {"held_out_accuracy": 0.5}
    with torch.no_grad():  # fp16 storage: the loaded judge equals the trained one with fp16-rounded tensors
        for p in list(net.parameters()) + list(net.buffers()):
            if p.is_floating_point():
                p.copy_(p.half().float())
        aud = torch.randn(3, 1, 13, 20) * 10
        torch.testing.assert_close(loaded.forward_aud(aud), net.forward_aud(aud), rtol=0, atol=0)


@pytest.mark.slow
def test_shipped_judge_finds_the_true_offset_on_real_demo_clips(tmp_path_factory):
    path = DEMO_WEIGHTS_DIR / "syncnet.safetensors"
    record = read_training(path)
    assert record["judge"] == "sync" and record["held_out_accuracy"] >= 0.95
    net = load_syncnet(path)
    clips = held_out_clips(tmp_path_factory.getbasetemp() / "demo-slice", one_per_actor(4))
    offsets = [lse(net, p.frames, p.audio.int16).offset for p in clips]
    assert np.mean([o == 0 for o in offsets]) >= 0.75, offsets  # 4 clips: at most one miss
    # Audio delayed by 3 frames comes out as offset -3 (positive offsets: audio leads).
    p = clips[0]
    assert lse(net, p.frames, shift_audio(p.audio.int16, 3)).offset == -3


def test_contrastive_loss_by_hand():
    from eatbench.judges.train_sync import contrastive_loss

    v = torch.tensor([[[0.0, 0.0]]])  # (B=1, W=1, D=2): a lip feature at the origin
    a = torch.tensor([[[3.0, 4.0], [0.0, 1.0], [9.0, 9.0]]])  # (1, A=3, 2)
    offsets = torch.tensor([[[0, 1, 10**6]]])  # in sync with a_0, a_1 shifted by one frame, a_2 ignored
    # positive: 5² = 25; negative: a_1 at distance 1 -> (2 − 1)² = 1
    assert contrastive_loss(v, a, offsets, margin=2.0).item() == pytest.approx(25 + 1)
