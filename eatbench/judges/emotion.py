"""The Emo-Acc judge: a VGG-16 frame emotion classifier trained by the toolkit (EAT-Face Sec. IV-C).

The paper scores emotion control with "an emotion classifier based on VGG-16 [...] for emotion
classification of generated images"; the classifier is not public, so the toolkit trains it on the
dataset's training frames (the paper's protocol) and records its own held-out accuracy on real frames
beside every Emo-Acc it produces (reference §8).

- Architecture: torchvision's VGG-16 layout (configuration D: 13 3×3 convolutions in 5 blocks, each
  block closed by 2×2 max pooling; adaptive average pooling to ``pool × pool``; classifier
  Linear-ReLU-Dropout ×2 then Linear to the classes), with torchvision's state-dict names
  (``features.N``, ``classifier.{0,3,6}``) so ImageNet weights load unchanged.
- Config is the constructor (:class:`EmotionJudgeConfig`) and is saved: ``config.json`` +
  ``model.safetensors``. ``width`` scales every channel count and ``input_size``/``pool``/``hidden``
  shrink the network so a demo judge trains on two CPU cores in minutes; the paper judge is
  ``EmotionJudgeConfig()`` (224², width 1, 4096 hidden).
- Input: uint8 RGB face crops ``(N, H, W, 3)``, resized (bilinear, antialiased) to ``input_size``,
  scaled to [0, 1] and normalised with the ImageNet mean/std.
- Training, from ImageNet weights where they fit, is in :mod:`eatbench.judges.train_emotion`.

Example:
    >>> cfg = EmotionJudgeConfig(input_size=32, width=0.125, hidden=32, pool=1)
    >>> judge = EmotionVGG16(cfg)
    >>> judge.predict(np.zeros((2, 40, 40, 3), np.uint8)).shape
    (2,)
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError, MissingWeightsError
from eatbench.paths import atomic_path

VGG16_D = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M")
IMAGENET_FILE = "vgg16-397923af.pth"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"


@dataclass
class EmotionJudgeConfig:
    """Hyper-parameters of the judge; saved as ``config.json`` next to the weights.

    Attributes:
        classes: emotion words in logit order (MEAD's eight by default).
        input_size: side of the square network input in pixels (224 paper, 64 or 112 demo).
        width: channel multiplier of every convolution (1.0 = VGG-16).
        hidden: width of the two hidden classifier layers (4096 = VGG-16).
        pool: side of the adaptive average pooling before the classifier (7 = VGG-16).
        dropout: dropout probability in the classifier.
        batch_norm: VGG-16-BN (torchvision ``vgg16_bn`` layout: BatchNorm after every convolution), which
            trains from scratch far faster; the ImageNet file is for the plain network only.
    """

    classes: tuple[str, ...] = EMOTIONS
    input_size: int = 224
    width: float = 1.0
    hidden: int = 4096
    pool: int = 7
    dropout: float = 0.5
    batch_norm: bool = False

    def __post_init__(self) -> None:
        self.classes = tuple(self.classes)
        if len(self.classes) < 2 or len(set(self.classes)) != len(self.classes):
            raise ValueError(f"classes: need at least two distinct emotion names, got {self.classes}")
        if self.input_size < 32:
            raise ValueError(f"input_size: VGG-16 halves the input 5 times, need >= 32, got {self.input_size}")
        if not 0 < self.width <= 4:
            raise ValueError(f"width: a channel multiplier in (0, 4], got {self.width}")
        if self.hidden < 1 or self.pool < 1:
            raise ValueError(f"hidden and pool must be >= 1, got hidden={self.hidden}, pool={self.pool}")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout: a probability in [0, 1), got {self.dropout}")

    @property
    def channels(self) -> list[int | str]:
        return [v if v == "M" else max(1, round(int(v) * self.width)) for v in VGG16_D]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["classes"] = list(self.classes)
        return d


class EmotionVGG16(nn.Module):
    """VGG-16 (configuration D) over face crops, producing one logit per emotion class."""

    def __init__(self, config: EmotionJudgeConfig | None = None) -> None:
        super().__init__()
        self.config = config or EmotionJudgeConfig()
        layers: list[nn.Module] = []
        c_in = 3
        for v in self.config.channels:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers.append(nn.Conv2d(c_in, int(v), kernel_size=3, padding=1))
                if self.config.batch_norm:
                    layers.append(nn.BatchNorm2d(int(v)))
                layers.append(nn.ReLU(inplace=True))
                c_in = int(v)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((self.config.pool, self.config.pool))
        h, p = self.config.hidden, self.config.dropout
        self.classifier = nn.Sequential(
            nn.Linear(c_in * self.config.pool**2, h),
            nn.ReLU(inplace=True),
            nn.Dropout(p),
            nn.Linear(h, h),
            nn.ReLU(inplace=True),
            nn.Dropout(p),
            nn.Linear(h, len(self.config.classes)),
        )
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def preprocess(self, frames: np.ndarray) -> torch.Tensor:
        """uint8 RGB ``(N, H, W, 3)`` -> normalised ``(N, 3, S, S)`` float32 at ``input_size``."""
        if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
            raise ValueError(f"frames must be uint8 RGB (N, H, W, 3), got {frames.dtype} {frames.shape}")
        x = torch.from_numpy(np.ascontiguousarray(frames)).permute(0, 3, 1, 2).float().div_(255.0)
        s = self.config.input_size
        if x.shape[-2:] != (s, s):
            x = F.interpolate(x, size=(s, s), mode="bilinear", align_corners=False, antialias=True)
        return (x - self.mean) / self.std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalised images ``(N, 3, S, S)`` -> logits ``(N, n_classes)``."""
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))

    @torch.no_grad()
    def logits(self, frames: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Logits of uint8 frames, in eval mode, batched. ``(N, n_classes)`` float32."""
        was_training = self.training
        self.eval()
        out = [self(self.preprocess(frames[i : i + batch_size])) for i in range(0, len(frames), batch_size)]
        self.train(was_training)
        return torch.cat(out).numpy() if out else np.zeros((0, len(self.config.classes)), np.float32)

    def predict(self, frames: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Predicted class index per frame ``(N,)`` int64."""
        return self.logits(frames, batch_size).argmax(axis=1)

    # -- persistence ---------------------------------------------------------------------------
    def save_pretrained(
        self, out_dir: str | os.PathLike, extra: dict | None = None, weights_name: str = WEIGHTS_NAME
    ) -> Path:
        """Write ``<weights_name>`` (safetensors) and ``config.json`` (config + ``extra`` facts).

        The config is also stored in the safetensors metadata (key ``config``), so the weights file alone
        is a complete judge: the weights registry ships it as one file
        (``emotion_judge_mead.safetensors`` / ``emotion.safetensors``).
        """
        from safetensors.torch import save_file

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        config = json.dumps({**self.config.to_dict(), **(extra or {})}, indent=2)
        state = {k: v.detach().cpu().contiguous() for k, v in self.state_dict().items()}
        with atomic_path(out / weights_name) as tmp:
            save_file(state, str(tmp), metadata={"format": "pt", "config": config})
        with atomic_path(out / CONFIG_NAME) as tmp:
            tmp.write_text(config + "\n")
        return out / weights_name

    @classmethod
    def from_pretrained(cls, path: str | os.PathLike) -> EmotionVGG16:
        """Load a judge: a ``.safetensors`` file written by :meth:`save_pretrained`, or its folder."""
        from safetensors import safe_open
        from safetensors.torch import load_file

        path = Path(path)
        file = path / WEIGHTS_NAME if path.is_dir() else path
        if not file.is_file():
            raise MissingWeightsError(
                f"emotion judge: {file} not found; train one with `eatbench train emotion-judge --dataset NAME`"
            )
        with safe_open(str(file), framework="pt") as f:
            meta = f.metadata() or {}
        if "config" not in meta:
            raise InputError(f"{file}: no judge config in the safetensors metadata (not written by this toolkit?)")
        raw = json.loads(meta["config"])
        known = EmotionJudgeConfig.__dataclass_fields__
        judge = cls(EmotionJudgeConfig(**{k: v for k, v in raw.items() if k in known}))
        judge.load_state_dict(load_file(str(file)))
        judge.info = {k: v for k, v in raw.items() if k not in known}
        return judge.eval()


# The demo judge: VGG-16-BN at 64², an eighth of the channels, one pooled cell, 128 hidden units.
DEMO_CONFIG = EmotionJudgeConfig(input_size=64, width=0.125, hidden=128, pool=1, dropout=0.3, batch_norm=True)
