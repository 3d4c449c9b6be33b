"""Train the Emo-Acc judge (:class:`~eatbench.judges.emotion.EmotionVGG16`) on a dataset's training frames.

- Data: ``frames_per_clip`` evenly spaced frames of each clip's benchmark crop (256², 25 fps), labelled
  with the clip's emotion (:func:`collect_frames`).
- Initialisation: when the torchvision file ``vgg16-397923af.pth`` is in the torch hub cache
  (``<torch.hub.get_dir()>/checkpoints/``) and ``width == 1``, the 13 convolutions (and, at the paper
  size, the first two classifier layers) start from it; otherwise training starts from scratch and
  says so (logged, and ``init`` in the saved config).
- Objective: cross-entropy over the emotion classes, AdamW, random horizontal flips (optional), an
  optional cosine decay of the learning rate.
- Measure: frame accuracy (and per-class accuracy) on real frames of the held-out split, saved with the
  weights. The demo judge (``eatbench train emotion-judge``) goes through
  :func:`~eatbench.judges.recipe.train_judge` (:class:`EmotionRecipe`), so its accuracy is measured on
  the shipped fp16 file.

Example:
    >>> EmotionRecipe().weights_name
    'emotion-judge'
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.nn import functional as F

from eatbench.clip import EMOTIONS, Clip
from eatbench.errors import InputError
from eatbench.judges.emotion import DEMO_CONFIG, IMAGENET_FILE, WEIGHTS_NAME, EmotionJudgeConfig, EmotionVGG16
from eatbench.judges.recipe import Fitted, JudgeRecipe, Measured, train_judge

logger = logging.getLogger(__name__)


def imagenet_init(judge: EmotionVGG16, hub_dir: str | os.PathLike | None = None) -> str:
    """Copy torchvision's ImageNet VGG-16 weights into ``judge`` where the shapes match.

    The file ``vgg16-397923af.pth`` is looked for in ``<hub_dir>/checkpoints/`` when ``hub_dir`` is given,
    else where the weights registry looks (``$EATBENCH_WEIGHTS``, then the torch hub cache).

    Returns:
        ``"imagenet"`` (convolutions, plus ``classifier.0/3`` at the paper size) or ``"scratch"``
        (file absent, ``width != 1`` or ``batch_norm``), the value recorded as ``init`` in the saved config.
    """
    if hub_dir is not None:
        file: Path | None = Path(hub_dir) / "checkpoints" / IMAGENET_FILE
        file = file if file.is_file() else None
    else:
        from eatbench.judges.weights import get_entry

        file = get_entry("vgg16-imagenet").find()
    if file is None:
        logger.warning("emotion judge: %s not found, training VGG-16 from scratch", IMAGENET_FILE)
        return "scratch"
    if judge.config.width != 1.0 or judge.config.batch_norm:
        logger.warning("emotion judge: %s is not plain VGG-16's layout, training from scratch", judge.config)
        return "scratch"
    src = torch.load(file, map_location="cpu", weights_only=True)
    own = judge.state_dict()
    copied = {k: v for k, v in src.items() if k in own and own[k].shape == v.shape and k != "classifier.6.weight"}
    copied.pop("classifier.6.bias", None)
    if not any(k.startswith("features.") for k in copied):
        raise ValueError(f"{file}: holds no VGG-16 convolution weights (keys like features.0.weight)")
    judge.load_state_dict(copied, strict=False)
    logger.info("emotion judge: %d tensors initialised from %s", len(copied), file)
    return "imagenet"


@dataclass
class TrainReport:
    """What one training run produced (also saved inside config.json)."""

    path: Path  # the saved weights file
    init: str
    steps: int
    losses: list[float] = field(repr=False)
    held_out_accuracy: float
    held_out_per_class: dict[str, float | None]
    train_frames: int
    held_out_frames: int


def accuracy(judge: EmotionVGG16, frames: np.ndarray, labels: np.ndarray) -> tuple[float, dict[str, float | None]]:
    """Frame accuracy and per-class accuracy (``None`` for a class with no frames)."""
    pred = judge.predict(frames)
    per = {}
    for i, c in enumerate(judge.config.classes):
        m = labels == i
        per[c] = float((pred[m] == i).mean()) if m.any() else None
    return float((pred == labels).mean()) if len(labels) else float("nan"), per


def train_emotion_judge(
    train_frames: np.ndarray,
    train_labels: np.ndarray,
    out_dir: str | os.PathLike,
    held_out_frames: np.ndarray,
    held_out_labels: np.ndarray,
    config: EmotionJudgeConfig | None = None,
    steps: int = 2000,
    batch_size: int = 32,
    lr: float = 1e-4,
    seed: int = 0,
    hub_dir: str | os.PathLike | None = None,
    progress: Callable[[int, float], None] | None = None,
    weights_name: str = WEIGHTS_NAME,
    flip: bool = True,
    cosine: bool = False,
) -> TrainReport:
    """Train the judge on labelled face crops and save it with its held-out accuracy.

    Args:
        train_frames: uint8 RGB face crops ``(N, H, W, 3)`` from the training split.
        train_labels: ``(N,)`` class indices into ``config.classes``.
        out_dir: folder to write the weights (``weights_name``) and ``config.json`` to.
        held_out_frames: real frames of other clips (ideally other actors) for the reported accuracy.
        held_out_labels: their class indices.
        config: the architecture (default: the paper-size VGG-16).
        steps: optimiser steps (AdamW, random horizontal flips unless ``flip`` is off).
        batch_size: frames per step.
        lr: learning rate.
        seed: seeds the initialisation, the batch order and the flips.
        hub_dir: a torch hub folder to search for ``vgg16-397923af.pth`` (default: the weights registry's).
        progress: called as ``progress(step, loss)`` after every step.
        weights_name: the weights file name (the registry's ``emotion_judge_mead.safetensors`` for MEAD).
        flip: random horizontal flips (off where an expression is one-sided, as the demo corpus's contempt).
        cosine: decay the learning rate to 0 along a cosine over ``steps`` (settles eval-mode BatchNorm).

    Returns:
        A :class:`TrainReport`; the same facts are in the saved ``config.json``.
    """
    # 1. Check inputs
    config = config or EmotionJudgeConfig()
    train_labels = np.asarray(train_labels, np.int64)
    held_out_labels = np.asarray(held_out_labels, np.int64)
    for what, x, y in (("train", train_frames, train_labels), ("held-out", held_out_frames, held_out_labels)):
        if x.ndim != 4 or x.shape[-1] != 3 or x.dtype != np.uint8:
            raise InputError(f"{what} frames must be uint8 RGB (N, H, W, 3), got {x.dtype} {x.shape}")
        if len(x) != len(y) or len(x) == 0:
            raise InputError(f"{what}: {len(x)} frames but {len(y)} labels (need the same number, > 0)")
        if y.min() < 0 or y.max() >= len(config.classes):
            raise InputError(f"{what} labels must index {len(config.classes)} classes, got {y.min()}..{y.max()}")
    if steps < 1 or batch_size < 1:
        raise InputError(f"steps and batch_size must be >= 1, got steps={steps}, batch_size={batch_size}")

    # 2. Build the network; ImageNet initialisation where available
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    judge = EmotionVGG16(config)
    init = imagenet_init(judge, hub_dir)
    opt = torch.optim.AdamW(judge.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps) if cosine else None

    # 3. Training loop: shuffled epochs of random mini-batches, horizontal flips
    judge.train()
    losses: list[float] = []
    order = rng.permutation(len(train_frames))
    pos = 0
    for step in range(steps):
        if pos + batch_size > len(order):
            order, pos = rng.permutation(len(train_frames)), 0
        idx = order[pos : pos + batch_size]
        pos += batch_size
        x = judge.preprocess(train_frames[idx])
        if flip:
            flipped = torch.from_numpy(rng.random(len(idx)) < 0.5)
            x = torch.where(flipped.view(-1, 1, 1, 1), x.flip(-1), x)
        loss = F.cross_entropy(judge(x), torch.from_numpy(train_labels[idx]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if schedule is not None:
            schedule.step()
        losses.append(loss.item())
        if progress is not None:
            progress(step + 1, losses[-1])

    # 4. Held-out accuracy on real frames, saved with the weights
    acc, per = accuracy(judge, held_out_frames, held_out_labels)
    facts = {
        "init": init,
        "steps": steps,
        "seed": seed,
        "lr": lr,
        "batch_size": batch_size,
        "flip": flip,
        "cosine": cosine,
        "train_frames": len(train_frames),
        "held_out_frames": len(held_out_frames),
        "held_out_accuracy": acc,
        "held_out_per_class": per,
        "final_loss": float(np.mean(losses[-10:])),
    }
    path = judge.save_pretrained(out_dir, facts, weights_name)
    return TrainReport(path, init, steps, losses, acc, per, len(train_frames), len(held_out_frames))


def collect_frames(clips: list, frames_per_clip: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Face-crop frames and label indices from dataset clips (through the cached preprocessing).

    Takes ``frames_per_clip`` evenly spaced frames of each clip's benchmark crop (256², 25 fps); labels
    index :data:`eatbench.clip.EMOTIONS`.
    """
    from eatbench.preprocess.prepare import prepare_clip

    if not clips:
        raise InputError("no clips to take emotion-judge frames from (is the split empty?)")
    xs, ys = [], []
    for clip in clips:
        frames = prepare_clip(clip).frames
        idx = np.linspace(0, len(frames), min(frames_per_clip, len(frames)), endpoint=False).astype(int)
        xs.append(frames[idx])
        ys += [EMOTIONS.index(clip.emotion)] * len(idx)
    return np.concatenate(xs), np.asarray(ys, np.int64)


def train_on_dataset(
    adapter: Any,
    out_dir: str | os.PathLike,
    weights_name: str = WEIGHTS_NAME,
    config: EmotionJudgeConfig | None = None,
    frames_per_clip: int = 8,
    held_out_split: str = "val",
    **train_options: Any,
) -> TrainReport:
    """Train the judge on a dataset's ``train`` clips and report accuracy on ``held_out_split`` clips.

    Args:
        adapter: a :class:`~eatbench.datasets.base.DatasetAdapter` (``get_dataset("demo")``, MEAD, ...).
        out_dir: where the judge goes (the weights registry's folder for the profile).
        weights_name: the registry's file name (``emotion_judge_mead.safetensors``, ``emotion.safetensors``).
        config: the architecture (default: paper-size VGG-16).
        frames_per_clip: evenly spaced face-crop frames taken from each clip.
        held_out_split: the split whose real frames measure the judge (``val`` or ``test``).
        **train_options: passed to :func:`train_emotion_judge` (``steps``, ``lr``, ``seed``, ...).
    """
    train = adapter.clips("train")
    held = adapter.clips(held_out_split)
    if not train or not held:
        raise InputError(
            f"dataset {adapter.name!r}: {len(train)} train and {len(held)} {held_out_split} clips; "
            "the emotion judge needs both"
        )
    x, y = collect_frames(train, frames_per_clip)
    hx, hy = collect_frames(held, frames_per_clip)
    return train_emotion_judge(x, y, out_dir, hx, hy, config=config, weights_name=weights_name, **train_options)


DEMO_STEPS = 600
DEMO_LR = 2e-3  # decayed along a cosine; no flips: the demo corpus draws contempt on one side of the mouth
DEMO_MEASURE = "frame accuracy on real held-out frames (8 evenly spaced frames per clip)"


class EmotionRecipe(JudgeRecipe):
    """The emotion judge's parts of :func:`~eatbench.judges.recipe.train_judge`.

    The judge keeps its facts (``init``, the held-out accuracy, ...) in its ``config`` metadata too, which
    :meth:`EmoAcc.judge_facts <eatbench.metrics.emo_acc.EmoAcc.judge_facts>` reads; the held-out accuracy there
    is replaced by the one measured on the saved fp16 weights.
    """

    judge = "emotion"
    weights_name = "emotion-judge"
    measure = DEMO_MEASURE
    final_loss_steps = 10

    def __init__(self, config: EmotionJudgeConfig = DEMO_CONFIG, steps: int = DEMO_STEPS, seed: int = 0) -> None:
        super().__init__(seed, steps)
        self.config = config

    def fit(self, train: Sequence[Clip], held: Sequence[Clip], progress: Callable[[str, int, int], None]) -> Fitted:
        import tempfile

        # Labelled frames of the train split and of the held-out split (training reports on the latter too).
        x, y = collect_frames(list(train))
        self.hx, self.hy = collect_frames(list(held))
        with tempfile.TemporaryDirectory() as tmp:  # fp32, in a scratch folder
            report = train_emotion_judge(
                x, y, tmp, self.hx, self.hy, config=self.config, steps=self.steps, lr=DEMO_LR, seed=self.seed,
                flip=False, cosine=True, progress=lambda step, loss: progress("train", step, self.steps),
            )  # fmt: skip
            judge = EmotionVGG16.from_pretrained(report.path)
        config = {**judge.config.to_dict(), **judge.info}
        return Fitted(judge.state_dict(), config, report.losses, train_clips=len(train), facts={"train_frames": len(x)})

    def load(self, path: Path) -> EmotionVGG16:
        return EmotionVGG16.from_pretrained(path)

    def evaluate(
        self, judge: EmotionVGG16, held: Sequence[Clip], progress: Callable[[str, int, int], None]
    ) -> Measured:
        acc, per = accuracy(judge, self.hx, self.hy)
        return Measured(acc, len(held), {"held_out_per_class": per, "held_out_frames": len(self.hx)})

    def saved_config(self, fitted: Fitted, measured: Measured) -> dict[str, Any]:
        per = measured.facts["held_out_per_class"]
        return {**fitted.config, "held_out_accuracy": measured.accuracy, "held_out_per_class": per, "dtype": "float16"}


def train_demo_judge(
    dataset: str = "demo",
    root: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    steps: int | None = None,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
    config: EmotionJudgeConfig = DEMO_CONFIG,
) -> tuple[Path, dict]:
    """``eatbench train emotion-judge``: train on ``dataset``'s train split, ship one fp16 safetensors file.

    The accuracy recorded (``held_out_accuracy`` in the ``config`` metadata, which :meth:`EmoAcc.judge_facts
    <eatbench.metrics.emo_acc.EmoAcc.judge_facts>` reads, and in the ``training`` record of
    :mod:`eatbench.judges.judge_data`) is measured on the saved fp16 weights.

    Returns:
        The saved path (default ``$EATBENCH_WEIGHTS/demo/emotion.safetensors``) and its training record.
    """
    return train_judge(EmotionRecipe(config, steps or DEMO_STEPS, seed), dataset, root, out, progress)
