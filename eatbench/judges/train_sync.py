"""Train the demo SyncNet (the LSE-D/LSE-C judge of the ``demo`` profile) on a dataset's training clips.

The network is :class:`~eatbench.judges.syncnet.SyncNetS` — the official architecture and code path,
with narrower channels so it trains in minutes on two CPU cores — and it sees exactly what the LSE
metric feeds it (metrics-protocols.md §1.2, §1.5): the whole 256×256 benchmark crop resized to 224
with ``cv2.resize`` as BGR 0..255 (:func:`~eatbench.judges.functional.lse.syncnet_frames`), and the
13×20 MFCC window ``4v .. 4v+19`` of the int16 audio for the 5-frame video window ``v .. v+4``.

Objective (Chung & Zisserman 2016, "Out of time", Eq. 1): the contrastive loss on the Euclidean
distance ``d = ‖v − a‖₂`` of unnormalised lip and audio features,

    E = mean_pos d² + mean_neg max(margin − d, 0)²,

where a positive pairs a video window with its own audio window and a negative pairs it with the
audio window of the same clip shifted by 1..``max_offset`` frames. Negatives from the same clip at
small shifts are what the evaluation decides between (the offset search of ±15 frames), so they are
the ones the judge must separate. Positives and negatives are averaged separately (balanced).

Held-out measure: the LSE evaluation (:func:`~eatbench.judges.functional.lse.lse`, the function the
metric calls) on every real clip of the held-out split; the judge's accuracy is the fraction of clips
whose offset comes out 0. Audio delayed by k frames should come out as offset −k (the reference's
sign: positive offsets mean the audio leads); that rate is recorded too.

Example:
    >>> cfg = SyncJudgeConfig(steps=1)
    >>> cfg.network_config()["lip_channels"]
    [12, 24, 32, 32, 32, 64]
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from eatbench.clip import Clip
from eatbench.errors import EatbenchError
from eatbench.judges.functional.lse import SAMPLES_PER_FRAME, lse, syncnet_frames
from eatbench.judges.functional.mfcc import mfcc
from eatbench.judges.recipe import Fitted, JudgeRecipe, Measured, Progress, train_judge
from eatbench.judges.syncnet import SyncNetS

logger = logging.getLogger(__name__)

SHIFTS = (-6, -4, -2, -1, 1, 2, 4, 6)  # audio delays (frames) checked on held-out clips, cycled over clips
MEASURE = "fraction of real held-out clips whose LSE offset is 0 (vshift 15)"


@dataclass
class SyncJudgeConfig:
    """The network and how it is trained.

    Attributes:
        feature_dim: SyncNet feature size (``num_layers_in_fc_layers``; 1024 in syncnet_v2).
        audio_channels: the six conv widths of the audio CNN.
        lip_channels: the six conv widths of the lip CNN.
        steps: optimiser steps (Adam).
        batch_clips: clips per step.
        windows: consecutive 5-frame video windows taken from each clip per step.
        max_offset: negatives are audio shifts of 1..max_offset frames within the clip.
        margin: the contrastive margin.
        lr: Adam learning rate.
        segment: frames kept in memory per training clip (a seeded random segment, 224² BGR).
        seed: seeds the initialisation, the segments and the batches.
    """

    feature_dim: int = 64
    audio_channels: tuple[int, ...] = (16, 32, 64, 64, 64, 64)
    lip_channels: tuple[int, ...] = (12, 24, 32, 32, 32, 64)
    steps: int = 400
    batch_clips: int = 4
    windows: int = 12
    max_offset: int = 6
    margin: float = 10.0
    lr: float = 1e-3
    segment: int = 32
    seed: int = 0

    def __post_init__(self) -> None:
        self.audio_channels = tuple(int(c) for c in self.audio_channels)
        self.lip_channels = tuple(int(c) for c in self.lip_channels)
        if len(self.audio_channels) != 6 or len(self.lip_channels) != 6:
            raise EatbenchError(f"audio_channels and lip_channels need 6 widths each, got {self}")
        for name in ("feature_dim", "steps", "batch_clips", "windows", "max_offset", "segment"):
            if getattr(self, name) < 1:
                raise EatbenchError(f"sync judge {name}: must be >= 1, got {getattr(self, name)}")
        if self.segment < self.windows + 4:
            raise EatbenchError(
                f"sync judge segment ({self.segment}) must hold windows + 4 = {self.windows + 4} frames"
            )
        if self.margin <= 0 or self.lr <= 0:
            raise EatbenchError(f"sync judge margin and lr must be > 0, got margin={self.margin}, lr={self.lr}")

    def network_config(self) -> dict[str, Any]:
        """The :class:`SyncNetS` constructor arguments (saved as the file's ``config``)."""
        return SyncNetS(self.feature_dim, self.audio_channels, self.lip_channels).config


@dataclass
class SyncClip:
    """One training clip: a segment of its frames and all of its audio windows."""

    frames: np.ndarray  # (L, 224, 224, 3) uint8 BGR: frames start .. start + L - 1
    start: int
    audio_windows: torch.Tensor  # (n_windows, 1, 13, 20) float32 MFCC, window v = columns 4v .. 4v+19

    @property
    def n_windows(self) -> int:
        return int(self.audio_windows.shape[0])


def audio_windows(audio_int16: np.ndarray, n_frames: int) -> torch.Tensor:
    """The MFCC windows of a clip as the evaluation cuts them: ``(min(T, len/640) − 5, 1, 13, 20)``."""
    cc = torch.from_numpy(mfcc(audio_int16, 16000).T.astype(np.float32))  # (13, M)
    n = min(n_frames, len(audio_int16) // SAMPLES_PER_FRAME) - 5
    return cc.unfold(1, 20, 4)[:, : max(n, 0)].permute(1, 0, 2).unsqueeze(1).contiguous()


def sync_clip(frames_rgb: np.ndarray, audio_int16: np.ndarray, segment: int, rng: np.random.Generator) -> SyncClip:
    """Cut a random ``segment``-frame stretch of a prepared clip (frames at 224² BGR) and its audio windows."""
    windows = audio_windows(audio_int16, len(frames_rgb))
    usable = len(windows) + 4  # frames covered by complete windows
    length = min(segment, usable)
    start = int(rng.integers(0, usable - length + 1))
    return SyncClip(syncnet_frames(frames_rgb[start : start + length]), start, windows)


def contrastive_loss(v: torch.Tensor, a: torch.Tensor, offsets: torch.Tensor, margin: float) -> torch.Tensor:
    """Balanced contrastive loss (Chung & Zisserman 2016, Eq. 1).

    Args:
        v: ``(B, W, D)`` lip features of W consecutive windows.
        a: ``(B, A, D)`` audio features.
        offsets: ``(B, W, A)`` int audio shift of each pair in frames (0 = in sync); pairs to ignore are
            marked with a value larger than any used shift.
        margin: negatives closer than this are pushed apart.
    """
    d = torch.cdist(v, a)  # (B, W, A)
    pos = offsets == 0
    neg = (offsets != 0) & (offsets.abs() < 10**6)
    return d[pos].pow(2).mean() + (margin - d[neg]).clamp(min=0).pow(2).mean()


def batch_loss(
    net: SyncNetS, clips: Sequence[SyncClip], config: SyncJudgeConfig, rng: np.random.Generator
) -> torch.Tensor:
    """The loss of one batch: ``windows`` consecutive windows of each clip against audio shifted 0..±K."""
    w, k = config.windows, config.max_offset
    videos, auds, offsets = [], [], []
    for clip in clips:
        # 1. W consecutive video windows t0 .. t0+W-1 inside the stored segment.
        n_w = min(w, len(clip.frames) - 4)
        t0 = clip.start + int(rng.integers(0, len(clip.frames) - 4 - n_w + 1))
        frames = clip.frames[t0 - clip.start : t0 - clip.start + n_w + 4]
        videos.append(torch.from_numpy(frames).permute(3, 0, 1, 2).float())  # (3, W+4, 224, 224)
        # 2. Audio windows t0-K .. t0+W-1+K (those inside the clip); offset = audio index − video index.
        idx = np.arange(t0 - k, t0 + n_w + k)
        idx = idx[(idx >= 0) & (idx < clip.n_windows)]
        auds.append(clip.audio_windows[idx])
        off = torch.from_numpy(idx[None, :] - np.arange(t0, t0 + n_w)[:, None])  # (W, A)
        offsets.append(torch.where(off.abs() <= k, off, torch.full_like(off, 10**6)))
    # 3. Features: the lip CNN over each clip's W+4 frames gives its W windows at once.
    n_w = min(v.shape[1] for v in videos) - 4
    video = torch.stack([v[:, : n_w + 4] for v in videos])  # (B, 3, W+4, 224, 224)
    mid = net.netcnnlip(video)[:, :, :, 0, 0]  # (B, C, W)
    lip = net.netfclip(mid.permute(0, 2, 1).reshape(-1, mid.shape[1])).view(len(clips), n_w, -1)  # (B, W, D)
    n_a = max(len(a) for a in auds)
    aud_all = net.forward_aud(torch.cat(auds))  # (sum A, D)
    aud = torch.zeros(len(clips), n_a, aud_all.shape[1])
    off = torch.full((len(clips), n_w, n_a), 10**6, dtype=torch.int64)
    s = 0
    for b, a in enumerate(auds):
        aud[b, : len(a)] = aud_all[s : s + len(a)]
        off[b, :, : len(a)] = offsets[b][:n_w]
        s += len(a)
    return contrastive_loss(lip, aud, off, config.margin)


def train_syncnet(
    clips: Sequence[SyncClip],
    config: SyncJudgeConfig,
    progress: Callable[[int, float], None] | None = None,
) -> tuple[SyncNetS, list[float]]:
    """Train a :class:`SyncNetS` on prepared training clips; returns it in eval mode and the step losses."""
    if not clips:
        raise EatbenchError("sync judge: no training clips")
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed + 1)
    net = SyncNetS(config.feature_dim, config.audio_channels, config.lip_channels)
    opt = torch.optim.Adam(net.parameters(), lr=config.lr)
    net.train()
    losses: list[float] = []
    order, pos = rng.permutation(len(clips)), 0
    for step in range(config.steps):
        if pos + config.batch_clips > len(order):
            order, pos = rng.permutation(len(clips)), 0
        batch = [clips[i] for i in order[pos : pos + config.batch_clips]]
        pos += config.batch_clips
        loss = batch_loss(net, batch, config, rng)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if progress is not None:
            progress(step + 1, losses[-1])
    return net.eval(), losses


def shift_audio(audio_int16: np.ndarray, frames: int) -> np.ndarray:
    """Delay (``frames`` > 0) or advance (< 0) int16 audio by whole video frames, keeping its length."""
    n = abs(frames) * SAMPLES_PER_FRAME
    pad = np.zeros(min(n, len(audio_int16)), np.int16)
    if frames >= 0:
        return np.concatenate([pad, audio_int16[: len(audio_int16) - len(pad)]])
    return np.concatenate([audio_int16[len(pad) :], pad])


@dataclass
class SyncEvaluation:
    """Held-out results of a sync judge on real clips."""

    clips: int
    offset_zero: float  # fraction of clips whose offset is 0
    shifted_detected: float  # fraction of shifted clips (delay k) whose offset is -k
    lse_d: float  # mean over clips
    lse_c: float
    offsets: list[int] = field(repr=False)
    shifted: list[tuple[int, int]] = field(repr=False)  # (delay k, offset found)


def evaluate_sync(
    net: SyncNetS,
    prepared: Iterable[Any],
    shifts: Sequence[int] = SHIFTS,
    progress: Callable[[int], None] | None = None,
) -> SyncEvaluation:
    """LSE evaluation of real clips (offset should be 0) and of the same clips with delayed audio.

    Args:
        net: the judge.
        prepared: :class:`~eatbench.preprocess.prepare.PreparedClip` objects (streamed, not kept).
        shifts: clip ``i`` is also scored with its audio delayed by ``shifts[i % len(shifts)]`` frames.
        progress: called with the number of clips done.
    """
    offsets, shifted, d, c = [], [], [], []
    for i, p in enumerate(prepared):
        audio = p.audio.int16
        real = lse(net, p.frames, audio)
        offsets.append(real.offset)
        d.append(real.lse_d)
        c.append(real.lse_c)
        if shifts:
            k = shifts[i % len(shifts)]
            shifted.append((k, lse(net, p.frames, shift_audio(audio, k)).offset))
        if progress is not None:
            progress(i + 1)
    if not offsets:
        raise EatbenchError("sync judge: no held-out clips to evaluate")
    return SyncEvaluation(
        clips=len(offsets),
        offset_zero=float(np.mean([o == 0 for o in offsets])),
        shifted_detected=float(np.mean([o == -k for k, o in shifted])) if shifted else float("nan"),
        lse_d=float(np.mean(d)),
        lse_c=float(np.mean(c)),
        offsets=offsets,
        shifted=shifted,
    )


class SyncRecipe(JudgeRecipe):
    """The sync judge's parts of :func:`~eatbench.judges.recipe.train_judge`."""

    judge = "sync"
    weights_name = "syncnet"
    measure = MEASURE

    def __init__(self, config: SyncJudgeConfig) -> None:
        super().__init__(config.seed, config.steps)
        self.config = config

    def fit(self, train: Sequence[Clip], held: Sequence[Clip], progress: Progress) -> Fitted:
        from eatbench.judges.judge_data import iter_prepared

        # A seeded random segment of every training clip, at 224² BGR, and its MFCC windows.
        rng = np.random.default_rng(self.config.seed)
        clips = [
            sync_clip(p.frames, p.audio.int16, self.config.segment, rng)
            for p in iter_prepared(train, lambda i, n: progress("load", i, n))
        ]
        clips = [c for c in clips if c.n_windows >= 1 and len(c.frames) >= 5]
        net, losses = train_syncnet(clips, self.config, lambda step, loss: progress("train", step, self.config.steps))
        return Fitted(net.state_dict(), net.config, losses, train_clips=len(clips))

    def load(self, path: Path) -> SyncNetS:
        from eatbench.judges.syncnet import load_syncnet

        return load_syncnet(path)

    def evaluate(self, judge: SyncNetS, held: Sequence[Clip], progress: Progress) -> Measured:
        from eatbench.judges.judge_data import iter_prepared

        result = evaluate_sync(judge, iter_prepared(held), progress=lambda i: progress("evaluate", i, len(held)))
        facts = {
            "shifted_audio_detected": result.shifted_detected,
            "shifted_audio_delays": list(SHIFTS),
            "held_out_lse_d": result.lse_d,
            "held_out_lse_c": result.lse_c,
        }
        return Measured(result.offset_zero, result.clips, facts)

    def settings(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self.config).items()}


def train_sync_judge(
    dataset: str = "demo",
    root: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    config: SyncJudgeConfig | None = None,
    progress: Progress | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Train the sync judge on ``dataset``'s training clips, measure it on the held-out split, save it.

    Args:
        dataset: a dataset name (``demo``, ``mead``, ...).
        root: the dataset folder (``demo`` has a default).
        out: the file to write (default ``$EATBENCH_WEIGHTS/demo/syncnet.safetensors``).
        config: network and training settings.
        progress: called as ``progress(phase, done, total)`` with phase ``load``, ``train`` or ``evaluate``.

    Returns:
        The saved path and its training record.
    """
    return train_judge(SyncRecipe(config or SyncJudgeConfig()), dataset, root, out, progress)
