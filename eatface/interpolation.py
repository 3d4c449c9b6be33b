"""Inter-frame smoothing by frame interpolation (Sec. III-E, post-processing).

The paper applies "the frame interpolation technology [24]" after sampling "to effectively address
potential issues such as frame skipping and jitter", without saying how an interpolator that makes
new frames smooths existing ones. Our reading: every interior frame is pulled towards the frame
interpolated from its two neighbours,

    x'_i = (1 − w) x_i + w · I(x_{i−1}, x_{i+1}),   w = 0.5 by default,

where I is

- ``learned``: a small :class:`FrameInterpolator` (a residual conv net on the neighbours) when the
  pipeline has one (trained on the corpus's frame triplets; a pretrained flow interpolator such as
  RIFE can be swapped in through the same call);
- ``blend``: the documented fallback, I = (x_{i−1} + x_{i+1}) / 2, i.e. a [w/2, 1−w, w/2] temporal filter;
- ``none``: frames unchanged.

``auto`` picks ``learned`` when an interpolator is present, else ``blend``. End frames are left as is.

Example:
    >>> import torch
    >>> x = torch.tensor([0.0, 1.0, 0.0]).view(3, 1, 1, 1)
    >>> smooth_frames(x, "blend")[:, 0, 0, 0].tolist()
    [0.0, 0.5, 0.0]
"""

from __future__ import annotations

import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

from eatface.errors import EATFaceError, did_you_mean

INTERPOLATIONS = ("auto", "learned", "blend", "none")


class FrameInterpolator(ModelMixin, ConfigMixin):
    """I(x_{i−1}, x_{i+1}): the neighbours' average plus a residual predicted by a small conv net.

    Example:
        >>> net = FrameInterpolator(channels=8, num_layers=2)
        >>> net(torch.zeros(2, 3, 16, 16), torch.zeros(2, 3, 16, 16)).shape
        torch.Size([2, 3, 16, 16])
    """

    @register_to_config
    def __init__(self, channels: int = 32, num_layers: int = 4) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(6, channels, 3, padding=1), nn.SiLU()]
        for _ in range(num_layers - 2):
            layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.SiLU()]
        layers.append(nn.Conv2d(channels, 3, 3, padding=1))
        self.net = nn.Sequential(*layers)
        nn.init.zeros_(self.net[-1].weight)  # starts as the plain average
        nn.init.zeros_(self.net[-1].bias)

    def forward(self, prev: torch.Tensor, nxt: torch.Tensor) -> torch.Tensor:
        """(B, 3, H, W) neighbours in [-1, 1] → the middle frame."""
        return 0.5 * (prev + nxt) + self.net(torch.cat([prev, nxt], dim=1))


def smooth_frames(
    frames: torch.Tensor,
    method: str = "auto",
    interpolator: FrameInterpolator | None = None,
    weight: float = 0.5,
    batch_size: int = 64,
) -> torch.Tensor:
    """Apply x'_i = (1 − w) x_i + w I(x_{i−1}, x_{i+1}) to the interior frames of (N, 3, H, W)."""
    if method not in INTERPOLATIONS:
        raise EATFaceError(f"interpolation {method!r}: unknown{did_you_mean(method, INTERPOLATIONS)}")
    if not 0.0 <= weight <= 1.0:
        raise EATFaceError(f"interpolation weight must lie in [0, 1], got {weight}")
    if method == "auto":
        method = "learned" if interpolator is not None else "blend"
    if method == "none" or frames.shape[0] < 3 or weight == 0.0:
        return frames
    prev, nxt = frames[:-2], frames[2:]
    if method == "learned":
        if interpolator is None:
            raise EATFaceError("interpolation 'learned': this pipeline has no interpolator; use 'blend' or 'none'")
        param = next(interpolator.parameters())
        with torch.no_grad():
            mids = torch.cat(
                [
                    interpolator(prev[k : k + batch_size].to(param.dtype), nxt[k : k + batch_size].to(param.dtype))
                    for k in range(0, prev.shape[0], batch_size)
                ]
            ).to(frames.dtype)
    else:
        mids = 0.5 * (prev + nxt)
    out = frames.clone()
    out[1:-1] = (1.0 - weight) * frames[1:-1] + weight * mids
    return out
