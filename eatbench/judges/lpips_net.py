"""The LPIPS v0.1 network with an AlexNet trunk (Zhang et al. 2018), as the ``lpips`` 0.1.4 package defines it.

``d(x0, x1) = Σ_l mean_hw( w_l · (f̂_l(x0) − f̂_l(x1))² )`` where ``f_l`` are the relu1..relu5 activations
of torchvision's AlexNet ``features`` (64, 192, 384, 256, 256 channels), ``f̂ = f / (‖f‖_channels + 1e-10)``
and ``w_l`` the learned non-negative 1×1 "lin" layers. Inputs are RGB NCHW in [-1, 1], first mapped by the
ScalingLayer ``(x − shift) / scale`` (metrics-protocols.md §5).

Module and state-dict names are those of ``lpips.LPIPS(net="alex")`` (``net.slice1.0.weight``,
``lin0.model.1.weight``, ``scaling_layer.shift``), so the two load each other's weights. The trunk comes
from ``alexnet-owt-7be5be79.pth`` (torchvision), the lin layers from the ``lpips`` wheel's
``weights/v0.1/alex.pth``; both are read with ``torch.load(weights_only=True)``.

Example:
    >>> net = LPIPSAlex().eval()
    >>> x = torch.zeros(1, 3, 64, 64)
    >>> float(net(x, x)[0])
    0.0
"""

from __future__ import annotations

import os
from functools import lru_cache

import torch
from torch import nn

from eatbench.errors import InputError
from eatbench.judges.onnx_runtime import OrtFunction

CHANNELS = (64, 192, 384, 256, 256)
# torchvision AlexNet `features` indices of each LPIPS slice: relu1 = [0:2], relu2 = [2:5], ...
SLICES = ((0, 2), (2, 5), (5, 8), (8, 10), (10, 12))


class ScalingLayer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("shift", torch.tensor([-0.030, -0.088, -0.188])[None, :, None, None])
        self.register_buffer("scale", torch.tensor([0.458, 0.448, 0.450])[None, :, None, None])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.shift) / self.scale


class AlexSlices(nn.Module):
    """torchvision AlexNet ``features[0:12]`` cut into the five LPIPS slices (names ``slice{k}.{idx}``)."""

    def __init__(self) -> None:
        super().__init__()
        layers = [
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
        ]
        for k, (a, b) in enumerate(SLICES, start=1):
            sl = nn.Sequential()
            for i in range(a, b):
                sl.add_module(str(i), layers[i])
            self.add_module(f"slice{k}", sl)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for k in range(1, 6):
            x = getattr(self, f"slice{k}")(x)
            feats.append(x)
        return feats


class NetLinLayer(nn.Module):
    """A 1×1 convolution without bias, behind an (inactive in eval) dropout: ``model.1.weight``."""

    def __init__(self, chn_in: int) -> None:
        super().__init__()
        self.model = nn.Sequential(nn.Dropout(), nn.Conv2d(chn_in, 1, 1, stride=1, padding=0, bias=False))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class LPIPSAlex(nn.Module):
    """LPIPS v0.1, AlexNet trunk: ``forward(in0, in1)`` with RGB NCHW inputs in [-1, 1] -> ``(N,)``."""

    def __init__(self) -> None:
        super().__init__()
        self.scaling_layer = ScalingLayer()
        self.net = AlexSlices()
        for k, c in enumerate(CHANNELS):
            self.add_module(f"lin{k}", NetLinLayer(c))

    def forward(self, in0: torch.Tensor, in1: torch.Tensor) -> torch.Tensor:
        n = in0.shape[0]
        feats = self.net(self.scaling_layer(torch.cat([in0, in1])))  # one trunk pass for both images
        total = torch.zeros(n, dtype=in0.dtype, device=in0.device)
        for k, f in enumerate(feats):
            f = f / (torch.sqrt(torch.sum(f**2, dim=1, keepdim=True)) + 1e-10)  # unit norm over channels
            diff = (f[:n] - f[n:]) ** 2
            total = total + getattr(self, f"lin{k}")(diff).mean(dim=(2, 3))[:, 0]
        return total


def load_lpips_alex(trunk_path: str | os.PathLike, lin_path: str | os.PathLike) -> LPIPSAlex:
    """LPIPS-Alex from torchvision's ``alexnet-owt-7be5be79.pth`` and the lpips ``alex.pth`` lin layers."""
    net = LPIPSAlex()
    from eatbench.judges.checkpoint import load_state_file

    trunk = load_state_file(trunk_path)[0]
    lin = load_state_file(lin_path)[0]
    state = {}
    for k, (a, b) in enumerate(SLICES, start=1):
        for i in range(a, b):
            for p in ("weight", "bias"):
                if f"features.{i}.{p}" in trunk:
                    state[f"net.slice{k}.{i}.{p}"] = trunk[f"features.{i}.{p}"]
    for k in range(len(CHANNELS)):
        key = f"lin{k}.model.1.weight"
        if key not in lin:
            raise InputError(f"{lin_path}: no {key}; not the lpips v0.1 alex.pth")
        state[key] = lin[key]
    state["scaling_layer.shift"] = net.scaling_layer.shift
    state["scaling_layer.scale"] = net.scaling_layer.scale
    missing = [k for k in net.state_dict() if k not in state]
    if missing:
        raise InputError(f"{trunk_path}: not a torchvision AlexNet state_dict (missing {missing[:3]})")
    net.load_state_dict(state, strict=True)
    return net.eval()


@lru_cache(maxsize=2)
def _cached(trunk: str, lin: str, mtimes: tuple[int, int]) -> OrtFunction:
    return OrtFunction(
        load_lpips_alex(trunk, lin),
        (torch.zeros(1, 3, 64, 64),) * 2,
        {x: {0: "n", 2: "h", 3: "w"} for x in ("x0", "x1")},
    )


def lpips_for(profile: str = "official") -> OrtFunction:
    """The LPIPS judge, loaded once per process (raises MissingWeightsError if a file is absent).

    It runs through ONNX Runtime (:mod:`eatbench.judges.onnx_runtime`: the same graph and weights, several times
    faster on CPU, values equal to ~1e-6 relative) and is called like :class:`LPIPSAlex`: ``net(in0, in1)``.
    """
    from eatbench.judges.weights import resolve_weights

    trunk = resolve_weights("lpips-alex", profile)  # type: ignore[arg-type]
    lin = resolve_weights("lpips-alex-lin", profile)  # type: ignore[arg-type]
    return _cached(str(trunk), str(lin), (trunk.stat().st_mtime_ns, lin.stat().st_mtime_ns))
