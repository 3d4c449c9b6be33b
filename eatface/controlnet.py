"""The Emotion ControlNet (Sec. III-D-2): the emotion condition c_e and the ControlNet built from the UNet.

c_e: "we reshape [the EVE h^e ∈ R^{hw}] into a 2D feature map and replicate it 4 times along the
channel as the emotion condition c_e ∈ R^{4×h×w}". Since c_e already has latent size, the
ControlNet's conditioning embedding must not downsample: ``conditioning_embedding_out_channels``
has one entry (no stride-2 stage).

Where the residuals go. The paper says the ControlNet output is "fed into the cross-attention layers
of intermediate blocks and up-sampling blocks within UNet". diffusers' ControlNetModel (the
reference implementation of [70]) returns one residual per down-block output plus one for the
middle block; the UNet adds the middle residual to the middle block's output and the down
residuals to the skip connections, which are consumed only by the up-sampling blocks. So the
ControlNet acts on the middle block and, through the skips, on every up block, which is the
paper's wording; the down path of the UNet itself stays untouched. We keep diffusers' mapping.

Example:
    >>> import torch
    >>> emotion_condition(torch.arange(4.0).view(1, 4), 2)[0, :, 1, 0].tolist()
    [2.0, 2.0, 2.0, 2.0]
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers import ControlNetModel, UNet2DConditionModel

from eatface.configuration import EATFaceConfig


def emotion_condition(h_e: torch.Tensor, latent_size: int, channels: int = 4) -> torch.Tensor:
    """c_e: h^e (B, hw) reshaped to (B, 1, h, w) and repeated to (B, 4, h, w) (Sec. III-D-2).

    A vector of another length (the w/o-EVE variant feeding E_CT(e) straight in, when CLIP's
    projection dimension differs from h·w) is first resampled linearly to h·w: that variant has no
    adapter, so no learned map is allowed; the tiny preset sets P = h·w and needs no resampling.
    """
    b, n = h_e.shape
    hw = latent_size * latent_size
    if n != hw:
        h_e = F.interpolate(h_e[:, None], size=hw, mode="linear", align_corners=True)[:, 0]
    return h_e.view(b, 1, latent_size, latent_size).repeat(1, channels, 1, 1)


def build_controlnet(unet: UNet2DConditionModel, config: EATFaceConfig) -> ControlNetModel:
    """An Emotion ControlNet initialised from the TFR UNet (its encoder copied, zero convs at the exits)."""
    torch.manual_seed(config.seed)
    return ControlNetModel.from_unet(
        unet,
        conditioning_channels=config.latent_channels,
        conditioning_embedding_out_channels=config.controlnet_embedding_channels,
    )
