"""SyncNet_S, the judge of LSE-D/LSE-C, with the state-dict names and shapes of ``syncnet_v2.model``.

The architecture is joonson/syncnet_python ``SyncNetModel.py`` ``S`` (metrics-protocols.md §1.3): an
audio CNN on a ``(N, 1, 13, 20)`` MFCC window and a 3-D lip CNN on five ``224×224`` BGR frames in
0..255, each followed by a two-layer MLP to a ``num_layers_in_fc_layers``-d feature. The layer
indices inside the ``nn.Sequential`` containers are the ones of the original, so the official file
loads unchanged. The channel widths are constructor arguments so that a narrower demo judge
(trained on the demo corpus) runs through the same code.

Loading:
- ``syncnet_v2.model`` (official): a torch-saved state_dict, read with ``torch.load(weights_only=True)``;
- ``*.safetensors`` (demo): tensors plus the constructor config in the metadata (``config`` key).

Example:
    >>> net = SyncNetS(audio_channels=(4, 4, 4, 4, 4, 8), lip_channels=(4, 4, 4, 4, 4, 8), num_layers_in_fc_layers=16)
    >>> net.forward_aud(torch.zeros(2, 1, 13, 20)).shape
    torch.Size([2, 16])
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any

import torch
from torch import nn

from eatbench.errors import InputError
from eatbench.judges.onnx_runtime import ort_method

AUDIO_CHANNELS = (64, 192, 384, 256, 256, 512)
LIP_CHANNELS = (96, 256, 256, 256, 256, 512)


class SyncNetS(nn.Module):
    """SyncNet_S: ``forward_aud`` (MFCC windows) and ``forward_lip`` (5-frame BGR clips) to features.

    Args:
        num_layers_in_fc_layers: output feature size (1024 in syncnet_v2).
        audio_channels: the six conv widths of ``netcnnaud`` (the last is the MLP width).
        lip_channels: the six conv widths of ``netcnnlip`` (the last is the MLP width).
    """

    def __init__(
        self,
        num_layers_in_fc_layers: int = 1024,
        audio_channels: tuple[int, ...] = AUDIO_CHANNELS,
        lip_channels: tuple[int, ...] = LIP_CHANNELS,
    ) -> None:
        super().__init__()
        if len(audio_channels) != 6 or len(lip_channels) != 6:
            raise ValueError(f"audio_channels and lip_channels need 6 widths, got {audio_channels}, {lip_channels}")
        self.config = {
            "num_layers_in_fc_layers": int(num_layers_in_fc_layers),
            "audio_channels": [int(c) for c in audio_channels],
            "lip_channels": [int(c) for c in lip_channels],
        }
        a, v, d = audio_channels, lip_channels, num_layers_in_fc_layers
        # Registration order (netcnnaud, netfcaud, netfclip, netcnnlip) is the original's state_dict order.
        self.netcnnaud = nn.Sequential(  # (N, 1, 13, 20) -> (N, a5, 1, 1)
            nn.Conv2d(1, a[0], kernel_size=3, stride=1, padding=1),  # 0
            nn.BatchNorm2d(a[0]),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=1, stride=1),
            nn.Conv2d(a[0], a[1], kernel_size=3, stride=1, padding=1),  # 4
            nn.BatchNorm2d(a[1]),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=(1, 2)),  # 13×20 -> 11×9
            nn.Conv2d(a[1], a[2], kernel_size=3, padding=1),  # 8
            nn.BatchNorm2d(a[2]),
            nn.ReLU(inplace=True),
            nn.Conv2d(a[2], a[3], kernel_size=3, padding=1),  # 11
            nn.BatchNorm2d(a[3]),
            nn.ReLU(inplace=True),
            nn.Conv2d(a[3], a[4], kernel_size=3, padding=1),  # 14
            nn.BatchNorm2d(a[4]),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # 11×9 -> 5×4
            nn.Conv2d(a[4], a[5], kernel_size=(5, 4), padding=0),  # 18: -> 1×1
            nn.BatchNorm2d(a[5]),
            nn.ReLU(),
        )
        self.netfcaud = nn.Sequential(nn.Linear(a[5], a[5]), nn.BatchNorm1d(a[5]), nn.ReLU(), nn.Linear(a[5], d))
        self.netfclip = nn.Sequential(nn.Linear(v[5], v[5]), nn.BatchNorm1d(v[5]), nn.ReLU(), nn.Linear(v[5], d))
        self.netcnnlip = nn.Sequential(  # (N, 3, 5, 224, 224) -> (N, v5, 1, 1, 1)
            nn.Conv3d(3, v[0], kernel_size=(5, 7, 7), stride=(1, 2, 2), padding=0),  # 0: -> 1×109×109
            nn.BatchNorm3d(v[0]),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=(1, 3, 3), stride=(1, 2, 2)),  # -> 54×54
            nn.Conv3d(v[0], v[1], kernel_size=(1, 5, 5), stride=(1, 2, 2), padding=(0, 1, 1)),  # 4: -> 26×26
            nn.BatchNorm3d(v[1]),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=(1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1)),  # -> 13×13
            nn.Conv3d(v[1], v[2], kernel_size=(1, 3, 3), padding=(0, 1, 1)),  # 8
            nn.BatchNorm3d(v[2]),
            nn.ReLU(inplace=True),
            nn.Conv3d(v[2], v[3], kernel_size=(1, 3, 3), padding=(0, 1, 1)),  # 11
            nn.BatchNorm3d(v[3]),
            nn.ReLU(inplace=True),
            nn.Conv3d(v[3], v[4], kernel_size=(1, 3, 3), padding=(0, 1, 1)),  # 14
            nn.BatchNorm3d(v[4]),
            nn.ReLU(inplace=True),
            nn.MaxPool3d(kernel_size=(1, 3, 3), stride=(1, 2, 2)),  # -> 6×6
            nn.Conv3d(v[4], v[5], kernel_size=(1, 6, 6), padding=0),  # 18: -> 1×1×1
            nn.BatchNorm3d(v[5]),
            nn.ReLU(inplace=True),
        )

    def forward_aud(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, 1, 13, 20)`` MFCC windows -> ``(N, D)`` audio features (not L2-normalised)."""
        return self.netfcaud(self.netcnnaud(x).flatten(1))

    def forward_lip(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, 3, 5, 224, 224)`` BGR 0..255 clips -> ``(N, D)`` lip features (not L2-normalised)."""
        return self.netfclip(self.netcnnlip(x).flatten(1))

    def forward_lip_sequence(self, x: torch.Tensor) -> torch.Tensor:
        """All 5-frame windows of one clip at once: ``(1, 3, T, 224, 224)`` -> ``(T - 4, D)``.

        Every lip layer after the first has a temporal kernel of 1 and eval-mode BatchNorm is
        per-element, so output step t of the sequence equals ``forward_lip`` of frames t..t+4; the
        windows are never copied five times.
        """
        mid = self.netcnnlip(x)  # (1, C, T-4, 1, 1)
        return self.netfclip(mid[0, :, :, 0, 0].transpose(0, 1))


def load_syncnet(path: str | os.PathLike) -> SyncNetS:
    """Build a :class:`SyncNetS` from ``syncnet_v2.model`` (torch state_dict) or a demo ``.safetensors``.

    Raises:
        InputError: the file does not hold a SyncNet_S state_dict.
    """
    from eatbench.judges.checkpoint import load_state_file

    state, meta = load_state_file(path)
    config: dict[str, Any] = json.loads(meta.get("config", "{}"))
    net = SyncNetS(**config)
    # Files from PyTorch < 0.4.1 (syncnet_v2.model, 2018) carry no BatchNorm num_batches_tracked buffers.
    own = net.state_dict()
    missing = [k for k in own if k not in state and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state if k not in own]
    if missing or unexpected:
        raise InputError(f"{path}: not a SyncNet_S state_dict (missing {missing[:3]}, unexpected {unexpected[:3]})")
    wrong = [k for k in state if tuple(state[k].shape) != tuple(own[k].shape)]
    if wrong:
        raise InputError(f"{path}: shape mismatch for {wrong[:3]} (config {net.config})")
    net.load_state_dict(state, strict=False)
    return net.eval()


class OrtSyncNet:
    """A loaded :class:`SyncNetS` whose ``forward_lip_sequence`` and ``forward_aud`` run through ONNX Runtime.

    The same graph and weights (:mod:`eatbench.judges.onnx_runtime`), several times faster than eager PyTorch
    on CPU; features equal to ~1e-6 relative. ``net`` keeps the PyTorch module.
    """

    def __init__(self, net: SyncNetS) -> None:
        self.net = net.eval()
        self.config = net.config
        self.forward_lip_sequence = ort_method(
            net, "forward_lip_sequence", (torch.zeros(1, 3, 9, 224, 224),), {"x": {2: "t"}}
        )
        self.forward_aud = ort_method(net, "forward_aud", (torch.zeros(2, 1, 13, 20),), {"x": {0: "n"}})


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int) -> OrtSyncNet:
    return OrtSyncNet(load_syncnet(path))


def syncnet_for(profile: str = "official") -> OrtSyncNet:
    """The SyncNet judge of a profile, loaded once per process (raises MissingWeightsError if absent).

    Its two feature functions run through ONNX Runtime (:class:`OrtSyncNet`); ``.net`` is the PyTorch module.
    """
    from eatbench.judges.weights import resolve_weights

    path = resolve_weights("syncnet", profile)  # type: ignore[arg-type]
    return _cached(str(path), path.stat().st_mtime_ns)


def save_syncnet_safetensors(net: SyncNetS, path: str | os.PathLike) -> None:
    """Save a (demo) judge as safetensors with its config in the metadata."""
    from safetensors.torch import save_file

    state = {k: v.contiguous() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    save_file(state, str(path), metadata={"config": json.dumps(net.config)})
