"""The TFR denoiser (Sec. III-C): a diffusers UNet2DConditionModel on z_t ⊕ z_m ⊕ z_r (Eq. 4).

The three latents (noisy target, masked frame, identity reference) are concatenated along the
channel axis, so the UNet has 3 × 4 = 12 input channels and predicts the 4-channel noise ε (Eq. 5).
The audio tokens c_a take the place of the text prompt in every cross-attention layer. When the
Emotion ControlNet is present its residuals are added inside the UNet (see
:mod:`eatface.controlnet` for how this maps to the paper's wording).

Example:
    >>> from eatface.configuration import get_preset
    >>> unet = build_unet(get_preset("tiny"))
    >>> unet.config.in_channels, unet.config.sample_size
    (12, 16)
"""

from __future__ import annotations

import torch
from diffusers import ControlNetModel, UNet2DConditionModel

from eatface.configuration import EATFaceConfig


def build_unet(config: EATFaceConfig) -> UNet2DConditionModel:
    """A fresh TFR UNet for a preset, seeded with ``config.seed``."""
    torch.manual_seed(config.seed)
    return UNet2DConditionModel(
        sample_size=config.latent_size,
        in_channels=3 * config.latent_channels,  # Eq. 4: z_t ⊕ z_m ⊕ z_r
        out_channels=config.latent_channels,
        cross_attention_dim=config.cross_attention_dim,
        **config.unet,
    )


def tfr_input(z_t: torch.Tensor, z_m: torch.Tensor, z_r: torch.Tensor) -> torch.Tensor:
    """x_in = z_t ⊕_c z_m ⊕_c z_r (Eq. 4): three (B, 4, h, w) latents → (B, 12, h, w)."""
    return torch.cat([z_t, z_m, z_r], dim=1)


def predict_noise(
    unet: UNet2DConditionModel,
    z_t: torch.Tensor,
    t: torch.Tensor | int,
    z_m: torch.Tensor,
    z_r: torch.Tensor,
    c_a: torch.Tensor,
    controlnet: ControlNetModel | None = None,
    c_e: torch.Tensor | None = None,
    conditioning_scale: float = 1.0,
) -> torch.Tensor:
    """ε_θ(z̃_t, t, c_a, c_v[, φ_θ(c_e)]) of Eq. 5 (TFR alone) or Eq. 11 (with the Emotion ControlNet).

    Args:
        z_t: (B, 4, h, w) noisy latents.
        t: timestep(s).
        z_m, z_r: (B, 4, h, w) mask and identity latents (c_v).
        c_a: (B, L, D) cross-attention tokens.
        controlnet, c_e: the Emotion ControlNet and its (B, 4, h, w) condition, or None.
        conditioning_scale: multiplier of the ControlNet residuals.

    Returns:
        (B, 4, h, w) predicted noise.
    """
    x_in = tfr_input(z_t, z_m, z_r)  # (B, 12, h, w)
    down = mid = None
    if controlnet is not None:
        if c_e is None:
            raise ValueError("the Emotion ControlNet needs its condition c_e")
        down, mid = controlnet(
            x_in,
            t,
            encoder_hidden_states=c_a,
            controlnet_cond=c_e,
            conditioning_scale=conditioning_scale,
            return_dict=False,
        )
    return unet(
        x_in,
        t,
        encoder_hidden_states=c_a,
        down_block_additional_residuals=down,
        mid_block_additional_residual=mid,
        return_dict=False,
    )[0]
