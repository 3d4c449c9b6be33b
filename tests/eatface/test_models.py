"""TFR UNet, Emotion ControlNet, mask and interpolation: shapes, properties, and losses that fall."""

from __future__ import annotations

import pytest
import torch

from eatface import EATFaceError
from eatface.configuration import get_preset
from eatface.controlnet import build_controlnet, emotion_condition
from eatface.interpolation import FrameInterpolator, smooth_frames
from eatface.mask import box_from_landmarks, masked_image, mouth_boxes, region_weights
from eatface.training.tfr import DenoisingObjective
from eatface.unet import build_unet, predict_noise


def test_unet_has_12_input_channels_and_about_2m_parameters():
    unet = build_unet(get_preset("tiny"))
    assert unet.config.in_channels == 12 and unet.config.out_channels == 4
    n = sum(p.numel() for p in unet.parameters())
    assert 1.0e6 < n < 3.0e6
    out = predict_noise(
        unet, torch.randn(2, 4, 16, 16), 10, torch.randn(2, 4, 16, 16), torch.randn(2, 4, 16, 16), torch.randn(2, 3, 64)
    )
    assert out.shape == (2, 4, 16, 16)


def test_emotion_condition_is_the_vector_reshaped_and_repeated():
    h = torch.arange(256.0).view(1, 256)
    c = emotion_condition(h, 16)
    assert c.shape == (1, 4, 16, 16)
    assert torch.equal(c[0, 0], h.view(16, 16)) and torch.equal(c[0, 3], c[0, 0])
    # another length (w/o-EVE with P != hw) is resampled, endpoints kept
    c2 = emotion_condition(torch.tensor([[0.0, 1.0]]), 2)
    assert c2[0, 0].flatten().tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0], abs=1e-6)


def test_controlnet_from_unet_starts_as_a_no_op():
    cfg = get_preset("tiny")
    unet = build_unet(cfg).eval()
    cn = build_controlnet(unet, cfg).eval()
    args = (torch.randn(2, 4, 16, 16), 5, torch.randn(2, 4, 16, 16), torch.randn(2, 4, 16, 16), torch.randn(2, 3, 64))
    with torch.no_grad():
        plain = predict_noise(unet, *args)
        steered = predict_noise(unet, *args, controlnet=cn, c_e=torch.randn(2, 4, 16, 16))
    assert torch.allclose(plain, steered, atol=1e-6)  # zero-initialised exits


def test_mask_box_from_the_paper_points_and_masking():
    lm = torch.zeros(1, 478, 2)
    lm[0, 127] = torch.tensor([10.0, 30.0])
    lm[0, 356] = torch.tensor([50.0, 32.0])
    lm[0, 151] = torch.tensor([30.0, 12.0])
    lm[0, 152] = torch.tensor([31.0, 60.0])
    assert box_from_landmarks(lm).tolist() == [[10.0, 12.0, 50.0, 60.0]]
    x = torch.ones(1, 3, 64, 64)
    m = masked_image(x, torch.tensor([[10.0, 12.0, 50.0, 60.0]]))
    assert m[0, :, 12:60, 10:50].abs().max() == 0 and m[0, :, :12].min() == 1 and m[0, :, :, 50:].min() == 1


def test_mouth_box_and_region_weights():
    # MOUTH_BOX = (0.2, 0.5, 0.8, 0.95) of a box 40 wide and 40 high at (10, 20).
    assert mouth_boxes(torch.tensor([[10.0, 20.0, 50.0, 60.0]])).tolist() == [[18.0, 40.0, 42.0, 58.0]]
    w = region_weights(torch.tensor([[1.0, 2.0, 3.0, 3.5]]), 4, 5.0)  # pixels x 1-2, y 2-3
    assert w.shape == (1, 1, 4, 4)
    assert w[0, 0].tolist() == [[1, 1, 1, 1], [1, 1, 1, 1], [1, 5, 5, 1], [1, 5, 5, 1]]


def test_smoothing_modes():
    x = torch.randn(5, 3, 8, 8)
    assert torch.equal(smooth_frames(x, "none"), x)
    b = smooth_frames(x, "blend", weight=0.5)
    assert torch.allclose(b[2], 0.5 * x[2] + 0.25 * (x[1] + x[3]))
    assert torch.equal(b[0], x[0]) and torch.equal(b[4], x[4])
    # an untrained learned interpolator starts as the average, so it equals blend
    assert torch.allclose(smooth_frames(x, "auto", FrameInterpolator(channels=8, num_layers=3)), b, atol=1e-6)


def _fixed_batch(seed: int = 0) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    b = 4
    return {
        "z0": torch.randn(b, 4, 16, 16, generator=g),
        "zm": torch.randn(b, 4, 16, 16, generator=g),
        "zr": torch.randn(b, 4, 16, 16, generator=g),
        "windows": torch.randn(b, 3, 64, generator=g),
        "noise": torch.randn(b, 4, 16, 16, generator=g),
        "t": torch.randint(0, 1000, (b,), generator=g),
    }


def _train(objective, batch, steps=20, lr=1e-3):
    params = [p for p in objective.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=1e-3)
    losses = []
    for _ in range(steps):
        loss = objective(**batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_tfr_loss_falls_on_a_fixed_batch(full_pipe):
    cfg = get_preset("tiny")
    from eatface.audio import AudioProjector

    torch.manual_seed(0)
    unet = build_unet(cfg)
    f_a = AudioProjector(in_dim=64, hidden_dim=64, out_dim=64)
    objective = DenoisingObjective(unet, f_a, full_pipe.scheduler.alphas_cumprod)
    losses = _train(objective, _fixed_batch())
    assert losses[-1] < 0.7 * losses[0]


def test_the_weighted_noise_loss_is_the_weighted_mean_of_the_squared_error(full_pipe):
    from eatface.audio import AudioProjector

    torch.manual_seed(0)
    unet, f_a = build_unet(get_preset("tiny")), AudioProjector(in_dim=64, hidden_dim=64, out_dim=64)
    objective = DenoisingObjective(unet, f_a, full_pipe.scheduler.alphas_cumprod).eval()
    b = _fixed_batch()
    weight = torch.ones(4, 1, 16, 16)
    weight[:, :, 8:12, 4:12] = 5.0
    with torch.no_grad():
        plain = objective(**b)
        assert torch.allclose(objective(**b, weight=torch.ones(4, 1, 16, 16)), plain)  # all 1: Eq. 5
        ab = full_pipe.scheduler.alphas_cumprod[b["t"]].view(-1, 1, 1, 1)
        z_t = ab.sqrt() * b["z0"] + (1 - ab).sqrt() * b["noise"]
        eps = predict_noise(unet, z_t, b["t"], b["zm"], b["zr"], f_a(b["windows"]), None, None)
        err = (eps - b["noise"]) ** 2  # (4, 4, 16, 16)
        by_hand = sum(
            float(weight[i, 0, y, x]) * float(err[i, c, y, x]) for i, c, y, x in torch.ones_like(err).nonzero()
        )
        by_hand /= float(weight.sum()) * 4
        assert torch.allclose(plain, err.mean())
        assert abs(float(objective(**b, weight=weight)) - by_hand) < 1e-5


def test_the_tiny_preset_weighs_the_mouth_and_the_paper_preset_does_not():
    assert get_preset("tiny").tfr_mouth_weight == 5.0 and get_preset("paper").tfr_mouth_weight == 1.0
    with pytest.raises(EATFaceError, match="tfr_mouth_weight"):
        get_preset("tiny", tfr_mouth_weight=0.5)


def test_controlnet_loss_falls_with_the_unet_frozen(full_pipe):
    cfg = get_preset("tiny")
    from eatface.audio import AudioProjector

    torch.manual_seed(0)
    unet = build_unet(cfg).requires_grad_(False)
    f_a = AudioProjector(in_dim=64, hidden_dim=64, out_dim=64).requires_grad_(False)
    cn = build_controlnet(unet, cfg)
    objective = DenoisingObjective(unet, f_a, full_pipe.scheduler.alphas_cumprod, cn)
    batch = _fixed_batch(1) | {"c_e": emotion_condition(torch.randn(4, 256), 16)}
    before = [p.clone() for p in unet.parameters()]
    losses = _train(objective, batch)
    assert losses[-1] < 0.8 * losses[0]
    assert all(torch.equal(a, b) for a, b in zip(before, unet.parameters(), strict=True))  # UNet frozen
