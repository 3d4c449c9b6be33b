"""The model's image space: uint8 RGB frames ↔ float tensors in [-1, 1] at the model's resolution.

The pipeline takes the reference face and the source frames as uint8 RGB (arrays or PIL images) of
any size and works on (N, 3, size, size) tensors in [-1, 1], the VAE's input range; it returns
uint8 frames again. The benchmark's EVE-embedding figure converts frames the same way.

Example:
    >>> import numpy as np
    >>> x = to_model_images(np.full((8, 8, 3), 255, np.uint8), 4)
    >>> tuple(x.shape), float(x.min()), to_uint8_frames(x).shape
    ((1, 3, 4, 4), 1.0, (1, 4, 4, 3))
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from eatface.errors import EATFaceError


def to_model_images(images: Any, size: int) -> torch.Tensor:
    """uint8 (H, W, 3) / (N, H, W, 3) arrays or PIL images → float (N, 3, size, size) in [-1, 1]."""
    if hasattr(images, "convert"):  # PIL
        images = np.asarray(images.convert("RGB"))
    x = torch.as_tensor(np.asarray(images))
    if x.ndim == 3:
        x = x[None]
    if x.ndim != 4 or x.shape[-1] != 3 or x.dtype != torch.uint8:
        raise EATFaceError(f"images must be uint8 RGB (H, W, 3) or (N, H, W, 3), got {x.dtype} {tuple(x.shape)}")
    x = x.permute(0, 3, 1, 2).float() / 127.5 - 1.0
    if x.shape[-1] != size or x.shape[-2] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return x.clamp(-1, 1)


def to_uint8_frames(x: torch.Tensor) -> np.ndarray:
    """(N, 3, H, W) float in [-1, 1] → (N, H, W, 3) uint8 RGB, rounded to nearest."""
    return ((x.clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
