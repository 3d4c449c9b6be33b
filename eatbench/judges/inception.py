"""The FID-Inception of pytorch-fid (``InceptionV3([3])``, 2048-d pool3), loaded from the weights registry.

The network is torchvision's ``inception_v3(num_classes=1008, aux_logits=False)`` with the blocks that
the TensorFlow FID graph computes differently replaced by pytorch-fid's own ``FIDInceptionA/C/E_1/E_2``
(average pools without padded zeros, a max pool in the last block; metrics-protocols.md §4). The
weights are ``pt_inception-2015-12-05-6726825d.pth`` (a torchvision-named state_dict), read with
``torch.load(weights_only=True)`` from ``$EATBENCH_WEIGHTS`` or the torch hub cache — never downloaded
at run time, never random in a measurement.

Forward: RGB in [0, 1] -> bilinear resize to 299×299 (``align_corners=False``, no antialias) -> ``2x − 1``
-> Conv2d_1a .. Mixed_7c -> global average pool -> ``(N, 2048)``.

:func:`inception_for` runs the loaded network through ONNX Runtime (:func:`onnx_runtime_inception`, the same
graph exported in memory, about 4× faster on CPU).

Example:
    >>> net = build_fid_inception()  # structure only, untrained
    >>> sorted(net.state_dict())[:1]
    ['Conv2d_1a_3x3.bn.bias']
"""

from __future__ import annotations

import os
from functools import lru_cache

import torch
import torch.nn.functional as F
from torch import nn

from eatbench.errors import InputError
from eatbench.judges.onnx_runtime import OrtFunction


def build_fid_inception() -> nn.Module:
    """The FID-Inception structure (torchvision ``Inception3`` with pytorch-fid's patched blocks), untrained."""
    import torchvision
    from pytorch_fid.inception import FIDInceptionA, FIDInceptionC, FIDInceptionE_1, FIDInceptionE_2

    net = torchvision.models.inception_v3(num_classes=1008, aux_logits=False, weights=None, init_weights=False)
    net.Mixed_5b = FIDInceptionA(192, pool_features=32)
    net.Mixed_5c = FIDInceptionA(256, pool_features=64)
    net.Mixed_5d = FIDInceptionA(288, pool_features=64)
    net.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
    net.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
    net.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
    net.Mixed_7b = FIDInceptionE_1(1280)
    net.Mixed_7c = FIDInceptionE_2(2048)
    return net


class FIDInception(nn.Module):
    """pool3 features of the FID-Inception: ``(N, 3, H, W)`` RGB in [0, 1] -> ``(N, 2048)``."""

    def __init__(self, inception: nn.Module) -> None:
        super().__init__()
        i = inception
        self.features = nn.Sequential(
            i.Conv2d_1a_3x3, i.Conv2d_2a_3x3, i.Conv2d_2b_3x3, nn.MaxPool2d(kernel_size=3, stride=2),
            i.Conv2d_3b_1x1, i.Conv2d_4a_3x3, nn.MaxPool2d(kernel_size=3, stride=2),
            i.Mixed_5b, i.Mixed_5c, i.Mixed_5d, i.Mixed_6a, i.Mixed_6b, i.Mixed_6c, i.Mixed_6d, i.Mixed_6e,
            i.Mixed_7a, i.Mixed_7b, i.Mixed_7c,
            nn.AdaptiveAvgPool2d(output_size=(1, 1)),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
        x = 2 * x - 1  # [0, 1] -> [-1, 1]
        return self.features(x).flatten(1)


def load_fid_inception(path: str | os.PathLike) -> FIDInception:
    """The FID-Inception from ``pt_inception-2015-12-05-6726825d.pth`` (strict: every key must match)."""
    from eatbench.judges.checkpoint import load_state_file

    state, _ = load_state_file(path)
    net = build_fid_inception()
    try:
        net.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, AttributeError) as err:
        first = str(err).splitlines()[0]
        raise InputError(f"{path}: not the pytorch-fid FID-Inception state_dict ({first})") from None
    return FIDInception(net).eval()


def onnx_runtime_inception(net: FIDInception) -> OrtFunction:
    """The loaded network run by ONNX Runtime (:mod:`eatbench.judges.onnx_runtime`): the same graph and weights,
    about 4× faster than eager PyTorch on 2 CPU cores, pool3 activations equal to ~1e-6 relative (inside the
    1e-5 of the pytorch-fid equivalence test). Called like the module: ``(N, 3, H, W)`` in [0, 1] -> ``(N, 2048)``.
    """
    return OrtFunction(net, (torch.zeros(1, 3, 64, 64),), {"x": {0: "n", 2: "h", 3: "w"}})


# Frames per ONNX Runtime call. pytorch-fid's default is 50; at 25 the activations are bit-identical (each image's
# convolutions do not depend on the batch) and a call needs +0.46 GiB at its peak, not +0.7 GiB (both without ORT's
# memory arena; +1.5 GiB with it), below pytorch-fid's +0.74 GiB in benchmarks/bench_metrics.py.
BATCH = 25


@lru_cache(maxsize=2)
def _cached(path: str, mtime_ns: int) -> OrtFunction:
    return onnx_runtime_inception(load_fid_inception(path))


def inception_for(profile: str = "official") -> OrtFunction:
    """The FID judge, loaded once per process (raises MissingWeightsError if the file is absent)."""
    from eatbench.judges.weights import resolve_weights

    path = resolve_weights("fid-inception", profile)  # type: ignore[arg-type]
    return _cached(str(path), path.stat().st_mtime_ns)


@torch.no_grad()
def inception_activations(net: FIDInception | OrtFunction, frames, batch_size: int = BATCH) -> torch.Tensor:
    """pool3 activations ``(T, 2048)`` float32 of uint8 RGB frames ``(T, H, W, 3)`` (``ToTensor`` scaling)."""
    out = []
    for s in range(0, len(frames), batch_size):
        x = torch.from_numpy(frames[s : s + batch_size]).permute(0, 3, 1, 2).float().div(255)
        out.append(net(x))
    return torch.cat(out) if out else torch.zeros(0, 2048)
