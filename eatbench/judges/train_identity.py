"""Train the demo identity judge (the CSIM embedding of the ``demo`` profile) on a dataset's training clips.

The network is the arcface_torch :class:`~eatbench.judges.arcface.IResNet`, small, and it sees what
CSIM feeds it (metrics-protocols.md §3): each frame aligned to 112×112 by insightface's ``norm_crop``
from the MediaPipe five points (:func:`~eatbench.judges.arcface.aligned_crops`), RGB,
``(x − 127.5) / 127.5``. It is trained as ArcFace-family recognisers are, with a margin softmax over the
training identities — here CosFace (Wang et al. 2018, "CosFace", Eq. 4):

    L = −log  e^{s (cos θ_y − m)} / (e^{s (cos θ_y − m)} + Σ_{j≠y} e^{s cos θ_j}),

with ``cos θ_j`` the cosine between the embedding and the class weight ``W_j``; the head is dropped
after training and only the embedding is shipped.

Held-out measure: nearest-centroid identification of real held-out frames, the centroids being the
mean normalised embeddings of each identity's training frames — the accuracy of "whose face is
this" under the cosine that CSIM averages. The mean cosine of held-out frames to their own and to
other identities' centroids is recorded too.

Example:
    >>> IdentityJudgeConfig().network_config()["widths"]
    [8, 16, 32, 64]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from eatbench.clip import Clip
from eatbench.errors import EatbenchError
from eatbench.judges.arcface import ArcFaceTorch, IResNet, _blob, aligned_crops
from eatbench.judges.recipe import Fitted, JudgeRecipe, Measured, Progress, train_judge

MEASURE = "nearest-centroid identification of real held-out frames (cosine, centroids from training frames)"


@dataclass
class IdentityJudgeConfig:
    """The network and how it is trained.

    Attributes:
        layers: IResNet blocks per stage.
        widths: IResNet channels per stage.
        num_features: embedding size.
        steps: optimiser steps (AdamW).
        batch_size: aligned crops per step.
        lr: learning rate.
        scale: CosFace scale ``s``.
        margin: CosFace additive cosine margin ``m``.
        frames_per_clip: evenly spaced frames taken from each clip.
        seed: seeds the initialisation, the batches and the flips.
    """

    layers: tuple[int, ...] = (1, 1, 1, 1)
    widths: tuple[int, ...] = (8, 16, 32, 64)
    num_features: int = 64
    steps: int = 300
    batch_size: int = 64
    lr: float = 2e-3
    scale: float = 16.0
    margin: float = 0.2
    frames_per_clip: int = 8
    seed: int = 0

    def __post_init__(self) -> None:
        self.layers = tuple(int(n) for n in self.layers)
        self.widths = tuple(int(w) for w in self.widths)
        if len(self.layers) != len(self.widths) or not self.layers or 112 % 2 ** len(self.layers):
            raise EatbenchError(f"identity judge layers {self.layers} and widths {self.widths}: same length, 1..4")
        for name in ("num_features", "steps", "batch_size", "frames_per_clip"):
            if getattr(self, name) < 1:
                raise EatbenchError(f"identity judge {name}: must be >= 1, got {getattr(self, name)}")
        if self.lr <= 0 or self.scale <= 0 or not 0 <= self.margin < 1:
            raise EatbenchError(f"identity judge lr, scale > 0 and margin in [0, 1), got {self}")

    def network_config(self) -> dict[str, Any]:
        """The :class:`IResNet` constructor arguments (saved as the file's ``config``)."""
        return {"layers": list(self.layers), "widths": list(self.widths), "num_features": self.num_features}


def identity_crops(prepared: Iterable[Any], frames_per_clip: int) -> tuple[np.ndarray, list[str]]:
    """Aligned ``(N, 112, 112, 3)`` uint8 RGB crops of evenly spaced frames, and each crop's actor.

    Frames where Face Mesh found no face are left out, as CSIM leaves them out.
    """
    from eatbench.judges.judge_data import evenly_spaced

    crops, actors = [], []
    for p in prepared:
        idx = evenly_spaced(p.num_frames, frames_per_clip)
        c, _ = aligned_crops(p.frames[idx], p.landmarks[idx])
        crops.append(c)
        actors += [p.clip.actor] * len(c)
    if not actors:
        raise EatbenchError("identity judge: no frame with a face in the clips")
    return np.concatenate(crops), actors


def cosface_logits(emb: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor, s: float, m: float) -> torch.Tensor:
    """``s (cos θ_j − m·[j = y])`` (CosFace Eq. 4). ``(B, D)``, ``(C, D)``, ``(B,)`` -> ``(B, C)``."""
    cos = F.normalize(emb) @ F.normalize(weight).T  # (B, C)
    return s * (cos - m * F.one_hot(labels, weight.shape[0]).to(cos.dtype))


def train_iresnet(
    crops: np.ndarray,
    labels: np.ndarray,
    n_classes: int,
    config: IdentityJudgeConfig,
    progress: Callable[[int, float], None] | None = None,
) -> tuple[IResNet, list[float]]:
    """Train an :class:`IResNet` with a CosFace head on aligned crops; returns it in eval mode and the losses."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    net = IResNet(config.layers, config.widths, config.num_features)
    head = torch.nn.Parameter(torch.randn(n_classes, config.num_features) * 0.01)  # W_j, (C, D)
    opt = torch.optim.AdamW([*net.parameters(), head], lr=config.lr, weight_decay=5e-4)
    y_all = torch.from_numpy(np.asarray(labels, np.int64))
    net.train()
    losses: list[float] = []
    order, pos = rng.permutation(len(crops)), 0
    for step in range(config.steps):
        if pos + config.batch_size > len(order):
            order, pos = rng.permutation(len(crops)), 0
        idx = order[pos : pos + config.batch_size]
        pos += config.batch_size
        x = torch.from_numpy(_blob(crops[idx], 127.5, 127.5))  # (B, 3, 112, 112), the ArcFace input
        flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
        x = torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)
        y = y_all[idx]
        loss = F.cross_entropy(cosface_logits(net(x), head, y, config.scale, config.margin), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if progress is not None:
            progress(step + 1, losses[-1])
    return net.eval(), losses


def nearest_centroid(
    train_emb: np.ndarray, train_labels: np.ndarray, test_emb: np.ndarray, test_labels: np.ndarray
) -> dict[str, float]:
    """Identification accuracy of ``test_emb`` by the closest (cosine) per-class centroid of ``train_emb``.

    Returns ``accuracy`` and the mean cosine of test embeddings to their own (``same_cosine``) and to
    the other classes' centroids (``other_cosine``).
    """

    def unit(x: np.ndarray) -> np.ndarray:
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    classes = np.unique(train_labels)
    centroids = unit(np.stack([unit(train_emb[train_labels == c]).mean(0) for c in classes]))  # (C, D)
    cos = unit(test_emb) @ centroids.T  # (N, C)
    own = test_labels[:, None] == classes[None, :]
    return {
        "accuracy": float((classes[cos.argmax(1)] == test_labels).mean()),
        "same_cosine": float(cos[own].mean()),
        "other_cosine": float(cos[~own].mean()),
    }


class IdentityRecipe(JudgeRecipe):
    """The identity judge's parts of :func:`~eatbench.judges.recipe.train_judge`."""

    judge = "identity"
    weights_name = "arcface"
    measure = MEASURE

    def __init__(self, config: IdentityJudgeConfig, dataset: str = "demo") -> None:
        super().__init__(config.seed, config.steps)
        self.config = config
        self.dataset = dataset

    def fit(self, train: Sequence[Clip], held: Sequence[Clip], progress: Progress) -> Fitted:
        from eatbench.judges.judge_data import iter_prepared

        # Aligned crops of the training clips, labelled by actor (kept: evaluate embeds them again).
        self.crops, actors = identity_crops(
            iter_prepared(train, lambda i, n: progress("load", i, n)), self.config.frames_per_clip
        )
        self.names = sorted(set(actors))
        self.labels = np.array([self.names.index(a) for a in actors])
        if len(self.names) < 2:
            raise EatbenchError(
                f"--dataset {self.dataset}: the train split shows {len(self.names)} identity; need at least 2"
            )
        net, losses = train_iresnet(
            self.crops, self.labels, len(self.names), self.config, lambda s, _: progress("train", s, self.config.steps)
        )
        facts = {"identities": self.names, "train_frames": len(self.crops)}
        return Fitted(net.state_dict(), net.config, losses, train_clips=len(train), facts=facts)

    def load(self, path: Path) -> ArcFaceTorch:
        from eatbench.judges.arcface import load_iresnet_safetensors

        return ArcFaceTorch(load_iresnet_safetensors(path))

    def evaluate(self, judge: ArcFaceTorch, held: Sequence[Clip], progress: Progress) -> Measured:
        from eatbench.judges.judge_data import iter_prepared

        test_crops, test_actors = identity_crops(
            iter_prepared(held, lambda i, n: progress("evaluate", i, n)), self.config.frames_per_clip
        )
        known = np.array([a in self.names for a in test_actors])
        if not known.any():
            raise EatbenchError(
                f"--dataset {self.dataset}: no {held[0].split} identity appears in the train split (split by actor?)"
            )
        test_labels = np.array([self.names.index(a) if a in self.names else -1 for a in test_actors])
        result = nearest_centroid(
            judge.embed(self.crops), self.labels, judge.embed(test_crops[known]), test_labels[known]
        )
        facts = {
            "held_out_frames": int(known.sum()),
            "held_out_same_cosine": result["same_cosine"],
            "held_out_other_cosine": result["other_cosine"],
        }
        return Measured(result["accuracy"], len(held), facts)

    def settings(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.config).items()}


def train_identity_judge(
    dataset: str = "demo",
    root: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    config: IdentityJudgeConfig | None = None,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Train the identity judge on ``dataset``'s training clips, measure it on the held-out split, save it.

    Args:
        dataset: a dataset name (``demo``, ``mead``, ...).
        root: the dataset folder (``demo`` has a default).
        out: the file to write (default ``$EATBENCH_WEIGHTS/demo/identity.safetensors``).
        config: network and training settings.
        progress: called as ``progress(phase, done, total)`` with phase ``load``, ``train`` or ``evaluate``.

    Returns:
        The saved path and its training record.
    """
    return train_judge(IdentityRecipe(config or IdentityJudgeConfig(), dataset), dataset, root, out, progress)
