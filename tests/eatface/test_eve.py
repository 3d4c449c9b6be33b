"""EVE (Sec. III-D-1): the contrastive loss against a hand-computed value, Eq. 7, training progress."""

from __future__ import annotations

import math

import pytest
import torch

from eatface.eve import EmotionVisualEmbedding, contrastive_loss


def test_contrastive_loss_matches_hand_computation():
    # Two pairs. h^e = [(1, 0), (0, 1)], h^v = [(1, 0), (1, 1)/sqrt2]; cosine similarities:
    # <e1,v1> = 1, <e1,v2> = 1/sqrt2, <e2,v1> = 0, <e2,v2> = 1/sqrt2.  tau = 0.2
    h_e = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    h_v = torch.tensor([[2.0, 0.0], [3.0, 3.0]])  # lengths do not matter (cosine)
    r = 1 / math.sqrt(2)
    tau = 0.2
    e2v_1 = -math.log(math.exp(1 / tau) / (math.exp(1 / tau) + math.exp(r / tau)))
    e2v_2 = -math.log(math.exp(r / tau) / (math.exp(0 / tau) + math.exp(r / tau)))
    v2e_1 = -math.log(math.exp(1 / tau) / (math.exp(1 / tau) + math.exp(0 / tau)))
    v2e_2 = -math.log(math.exp(r / tau) / (math.exp(r / tau) + math.exp(r / tau)))
    expected = (e2v_1 + e2v_2 + v2e_1 + v2e_2) / (2 * 2)  # Eq. 10
    assert contrastive_loss(h_e, h_v, tau).item() == pytest.approx(expected, rel=1e-6)


def test_fusion_follows_eq7():
    torch.manual_seed(0)
    eve = EmotionVisualEmbedding(embed_dim=32, out_dim=16, channels=4, num_blocks=2, hidden_dim=32, alpha=0.3)
    t, r = torch.randn(3, 32), torch.randn(3, 32)
    expected = 0.3 * eve.adapter_e(t) + 0.7 * eve.adapter_v(r)
    assert torch.allclose(eve.fuse(t, r), expected, atol=1e-6)
    assert eve.visual(r).shape == (3, 16)


def test_input_standardisation_is_fixed_by_the_stats_and_saved(tmp_path):
    torch.manual_seed(0)
    eve = EmotionVisualEmbedding(embed_dim=32, out_dim=16, channels=4, num_blocks=2, hidden_dim=32, alpha=0.3)
    images = torch.randn(50, 32) * 3.0 + 5.0  # a large shared direction, as a CLIP tower gives
    texts = torch.randn(8, 32) * 0.1 - 2.0
    eve.set_input_stats(images, texts)
    mu_i, sd_i = images.mean(0), images.std(0)
    mu_t, sd_t = texts.mean(0), texts.std(0)
    t, r = texts[:3], images[:3]
    expected = 0.3 * eve.adapter_e((t - mu_t) / sd_t) + 0.7 * eve.adapter_v((r - mu_i) / sd_i)
    assert torch.allclose(eve.fuse(t, r), expected, atol=1e-5)
    assert torch.allclose(eve.visual(r), eve.adapter_v((r - mu_i) / sd_i), atol=1e-5)
    eve.save_pretrained(tmp_path / "eve")
    loaded = EmotionVisualEmbedding.from_pretrained(tmp_path / "eve")
    assert torch.equal(loaded.image_mean, eve.image_mean) and torch.equal(loaded.text_std, eve.text_std)
    assert torch.allclose(loaded.fuse(t, r), eve.fuse(t, r))
    with pytest.raises(ValueError, match="at least 2"):
        eve.set_input_stats(images, texts[:1])


def test_eve_loss_falls_on_a_fixed_batch():
    torch.manual_seed(0)
    eve = EmotionVisualEmbedding(embed_dim=64, out_dim=256, channels=8, num_blocks=2, hidden_dim=64)
    img_e, img_r, text = torch.randn(8, 64), torch.randn(8, 64), torch.randn(8, 64)
    opt = torch.optim.AdamW(eve.parameters(), lr=1e-3, weight_decay=1e-3)
    losses = []
    for _ in range(40):
        loss = contrastive_loss(eve.fuse(text, img_r), eve.visual(img_e), 0.2)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[0] > math.log(8) * 0.8  # near chance at the start
    assert losses[-1] < 0.5 * losses[0]
