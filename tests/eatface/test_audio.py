"""The audio condition (Sec. III-C-1): the window formula on hand-made cases, F_a and wav2vec shapes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eatface.audio import AudioProjector, audio_features, audio_windows, feature_size, wav2vec_features, window_centres


def test_window_centres_match_the_formula_by_hand():
    # S = 10 audio frames, N = 4 video frames: u = floor(10 * (i-1) / 4) for i = 1..4 = 0, 2, 5, 7
    assert window_centres(10, 4).tolist() == [0, 2, 5, 7]
    # S = 3, N = 5: floor(3 * (0,1,2,3,4) / 5) = 0, 0, 1, 1, 2
    assert window_centres(3, 5).tolist() == [0, 0, 1, 1, 2]


def test_windows_are_neighbours_with_zero_padding_at_both_ends():
    s = 3
    feats = torch.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])  # a_0, a_1, a_2 (D = 2)
    w = audio_windows(feats, 5)  # u = 0, 0, 1, 1, 2
    assert w.shape == (5, 3, 2)
    # u = 0: [0; a_0; a_1]  (a_{-1} is padding)
    assert w[0].tolist() == [[0.0, 0.0], [1.0, 10.0], [2.0, 20.0]]
    # u = 1: [a_0; a_1; a_2]
    assert w[2].tolist() == [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]
    # u = S - 1 = 2: [a_1; a_2; 0]
    assert w[4].tolist() == [[2.0, 20.0], [3.0, 30.0], [0.0, 0.0]]
    assert s == feats.shape[0]


def test_window_rejects_bad_shapes():
    with pytest.raises(ValueError, match="features must be"):
        audio_windows(torch.zeros(2, 3, 4), 2)
    with pytest.raises(ValueError, match="num_frames"):
        audio_windows(torch.zeros(4, 3), 0)


def test_audio_projector_shapes_and_emotion_token():
    torch.manual_seed(0)
    f_a = AudioProjector(in_dim=8, hidden_dim=16, out_dim=32)
    assert f_a(torch.randn(5, 3, 8)).shape == (5, 3, 32)
    f_t = AudioProjector(in_dim=8, hidden_dim=16, out_dim=32, emotion_dim=6)
    out = f_t(torch.randn(5, 3, 8), torch.randn(5, 6))
    assert out.shape == (5, 4, 32)  # w/o-FEC: audio tokens + one emotion token
    with pytest.raises(ValueError, match="emotion_embeds"):
        f_t(torch.randn(5, 3, 8))


def test_wav2vec_features_of_a_small_tower():
    from transformers import Wav2Vec2Config, Wav2Vec2Model

    torch.manual_seed(0)
    tower = Wav2Vec2Model(
        Wav2Vec2Config(
            hidden_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=128,
            conv_dim=(32,) * 7,
            conv_stride=(5, 2, 2, 2, 2, 2, 2),
            conv_kernel=(10, 3, 3, 3, 3, 2, 2),
            num_conv_pos_embeddings=16,
            num_conv_pos_embedding_groups=4,
            feat_extract_norm="group",
        )
    ).eval()
    samples = np.random.default_rng(0).normal(0, 0.1, 16000 * 3).astype(np.float32)
    feats = audio_features(tower, samples)
    assert feats.shape == (149, 64) and feature_size(tower) == 64  # 3 s at 50 Hz (cpu-feasibility.md §7)
    torch.testing.assert_close(feats, wav2vec_features(tower, samples))
    # normalisation makes the features independent of the input gain
    assert torch.allclose(feats, wav2vec_features(tower, samples * 3), atol=1e-4)


def test_tiny_preset_reads_log_mel_features(full_pipe):
    from eatface.log_mel import LogMelEncoder

    samples = np.random.default_rng(0).normal(0, 0.1, 16000 * 3).astype(np.float32)
    assert isinstance(full_pipe.audio_encoder, LogMelEncoder)
    feats = audio_features(full_pipe.audio_encoder, samples)
    assert feats.shape == (150, 40 * 9) == (150, feature_size(full_pipe.audio_encoder))
    assert full_pipe.audio_projector.config.in_dim == 360
