"""The mask condition x_m (Sec. III-C-2).

MediaPipe Face Mesh points #127, #151, #152 and #356 bound the region to regenerate: the box from
x(127) to x(356) and from y(151) to y(152), i.e. most of the face. x_m is the frame with that box
blanked; z_m = E(x_m). Boxes are computed by the caller (the benchmark's preprocessing), since the
model library does not run a face tracker.

Example:
    >>> import torch
    >>> x = torch.ones(1, 3, 8, 8)
    >>> masked_image(x, torch.tensor([[2.0, 2.0, 6.0, 6.0]]))[0, 0, 4].tolist()
    [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
"""

from __future__ import annotations

import torch

# Used when no landmarks are available (an arbitrary face crop): the face region of a centred
# square face crop, as fractions (x0, y0, x1, y1). Our choice, not the paper's.
DEFAULT_BOX = (0.12, 0.18, 0.88, 0.98)

# The mouth inside a mask box, as fractions of the box (x0, y0, x1, y1). Our choice, for the tiny
# preset's mouth-weighted TFR loss: on 1 in 20 demo training clips, Face Mesh's lip corners (#61, #291)
# lay within x 0.22-0.77 of the box and the outer lips (#0, #17) within y 0.52-0.91.
MOUTH_BOX = (0.2, 0.5, 0.8, 0.95)


def box_from_landmarks(landmarks: torch.Tensor) -> torch.Tensor:
    """(T, 478, 2) pixel landmarks → (T, 4) boxes (x0, y0, x1, y1) from points 127, 151, 152, 356."""
    x0 = landmarks[:, 127, 0]
    x1 = landmarks[:, 356, 0]
    y0 = landmarks[:, 151, 1]
    y1 = landmarks[:, 152, 1]
    return torch.stack([torch.minimum(x0, x1), torch.minimum(y0, y1), torch.maximum(x0, x1), torch.maximum(y0, y1)], 1)


def default_boxes(n: int, size: int) -> torch.Tensor:
    """n copies of :data:`DEFAULT_BOX` in pixels of a size² image."""
    return torch.tensor(DEFAULT_BOX).mul(size).expand(n, 4).clone()


def box_region(boxes: torch.Tensor, height: int, width: int, round_outwards: bool = True) -> torch.Tensor:
    """(B, 4) pixel boxes (x0, y0, x1, y1) → (B, H, W) bool, True inside [x0, x1) × [y0, y1).

    With ``round_outwards`` the edges are first rounded outwards to whole pixels.
    """
    boxes = boxes.to(torch.float32)
    ys = torch.arange(height, device=boxes.device, dtype=torch.float32)[None, :, None]  # (1, H, 1)
    xs = torch.arange(width, device=boxes.device, dtype=torch.float32)[None, None, :]  # (1, 1, W)
    x0, y0, x1, y1 = (boxes[:, k, None, None] for k in range(4))
    if round_outwards:
        x0, y0, x1, y1 = x0.floor(), y0.floor(), x1.ceil(), y1.ceil()
    return (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)


def mouth_boxes(boxes: torch.Tensor) -> torch.Tensor:
    """(B, 4) mask boxes → (B, 4) boxes of the mouth inside them (:data:`MOUTH_BOX`)."""
    boxes = boxes.to(torch.float32)
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    fx0, fy0, fx1, fy1 = MOUTH_BOX
    return torch.stack([boxes[:, 0] + fx0 * w, boxes[:, 1] + fy0 * h, boxes[:, 0] + fx1 * w, boxes[:, 1] + fy1 * h], 1)


def region_weights(boxes: torch.Tensor, size: int, weight: float) -> torch.Tensor:
    """(B, 4) pixel boxes of a size² image → (B, 1, size, size) weights: ``weight`` inside, 1 outside.

    Edges are not rounded, so a box covers the pixels whose index lies in [x0, x1) × [y0, y1).
    """
    inside = box_region(boxes, size, size, round_outwards=False)
    return 1.0 + (weight - 1.0) * inside[:, None].float()


def weighted_mean(values: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Mean of (B, C, H, W) ``values`` with (B, 1, H, W) per-pixel weights normalised to mean 1."""
    return (values * weight).sum() / (weight.sum() * values.shape[1])


def masked_image(images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
    """x_m: images (B, 3, H, W) in [-1, 1] with each box set to 0 (mid-grey).

    The paper does not say what fills the mask; 0 in [-1, 1] (mid-grey) is what latent inpainting
    models use. Box edges are rounded outwards to whole pixels.
    """
    _, _, h, w = images.shape
    inside = box_region(boxes.to(images.device), h, w)  # (B, H, W)
    return images.masked_fill(inside[:, None], 0.0)
