"""The training corpus: prepared clips at the model's resolution, with what every stage samples.

A :class:`TrainingCorpus` holds, for every frame of every training clip, the face crop resized to
the preset's resolution and its mask box (Face Mesh points 127/151/152/356), and per clip the
16 kHz audio, the emotion and the actor. It is built from the benchmark's prepared clips (anything
with ``frames``, ``audio.samples``, ``mask_boxes`` and ``clip.emotion`` / ``clip.actor``), saved as
one safetensors file so that ``accelerate launch`` workers read the same data, and sampled by the
stages:

- TFR (Sec. III-C): a target frame, its masked copy, and a reference frame drawn at random from the
  same video;
- EVE (Sec. III-D-1): N pairs with N distinct emotions, each an emotional frame x_e and an
  emotionless frame x_r of the same person;
- ControlNet / fine-tune (Sec. III-D-2): as TFR, but the identity reference comes from a neutral clip
  of the same actor, so the emotion has to come from c_e.

Example:
    >>> import numpy as np
    >>> corpus = TrainingCorpus.synthetic(num_clips=2, frames=5, resolution=16)
    >>> corpus.num_frames, corpus.frames.shape[1:]
    (10, torch.Size([3, 16, 16]))
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from eatface.errors import EATFaceError

NEUTRAL = "neutral"
SAMPLES_PER_FRAME = 640  # 16 kHz / 25 fps


@dataclass
class TrainingCorpus:
    """Frames and conditions of the training clips.

    Attributes:
        frames: (M, 3, r, r) uint8 face crops at the model resolution.
        boxes: (M, 4) float32 mask boxes (x0, y0, x1, y1) in pixels of the r × r frames.
        clip_start, clip_length: (C,) long: where each clip's frames start in ``frames``, and how many.
        audio: (sum of samples,) float32 16 kHz audio of all clips, concatenated.
        audio_start, audio_length: (C,) long offsets into ``audio``.
        emotion: (C,) long index into ``emotions``; actor: (C,) long index into ``actors``.
        emotions, actors: the names.
    """

    frames: torch.Tensor
    boxes: torch.Tensor
    clip_start: torch.Tensor
    clip_length: torch.Tensor
    audio: torch.Tensor
    audio_start: torch.Tensor
    audio_length: torch.Tensor
    emotion: torch.Tensor
    actor: torch.Tensor
    emotions: list[str]
    actors: list[str]

    def __post_init__(self) -> None:
        if self.frames.ndim != 4 or self.frames.shape[1] != 3 or self.frames.dtype != torch.uint8:
            raise EATFaceError(f"corpus frames must be (M, 3, r, r) uint8, got {tuple(self.frames.shape)}")
        if len(self.clip_start) == 0:
            raise EATFaceError("the training corpus has no clips")
        self.frame_clip = torch.repeat_interleave(torch.arange(len(self.clip_start)), self.clip_length)  # (M,)
        # EVE mini-batches draw one actor among those with at least two emotions (else any actor).
        actors = torch.unique(self.actor).tolist()
        several = [a for a in actors if len(torch.unique(self.emotion[self.actor == a])) >= 2]
        self.eve_actors = several or actors

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def num_clips(self) -> int:
        return int(self.clip_start.shape[0])

    @property
    def resolution(self) -> int:
        return int(self.frames.shape[-1])

    def clip_audio(self, c: int) -> np.ndarray:
        s = int(self.audio_start[c])
        return self.audio[s : s + int(self.audio_length[c])].numpy()

    def images(self, index: torch.Tensor) -> torch.Tensor:
        """Frames ``index`` as float (B, 3, r, r) in [-1, 1]."""
        return self.frames[index].float() / 127.5 - 1.0

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_prepared(cls, prepared: Iterable[Any], resolution: int) -> TrainingCorpus:
        """Resize prepared clips (``frames`` (T, S, S, 3) uint8, ``mask_boxes`` (T, 4) in S pixels) to r²."""
        frames, boxes, lengths, audio, audio_lengths, emo_names, actor_names = [], [], [], [], [], [], []
        for p in prepared:
            x = torch.from_numpy(np.ascontiguousarray(p.frames)).permute(0, 3, 1, 2).float()  # (T, 3, S, S)
            scale = resolution / x.shape[-1]
            x = F.interpolate(x, size=(resolution, resolution), mode="bilinear", antialias=True, align_corners=False)
            frames.append(x.round().clamp(0, 255).to(torch.uint8))
            boxes.append(torch.from_numpy(np.asarray(p.mask_boxes, np.float32)) * scale)
            lengths.append(x.shape[0])
            samples = np.asarray(p.audio.samples, np.float32)
            audio.append(torch.from_numpy(samples))
            audio_lengths.append(samples.size)
            emo_names.append(p.clip.emotion)
            actor_names.append(p.clip.actor)
        if not frames:
            raise EATFaceError("no prepared clips to train on")
        return cls._assemble(frames, boxes, lengths, audio, audio_lengths, emo_names, actor_names)

    @classmethod
    def _assemble(cls, frames, boxes, lengths, audio, audio_lengths, emo_names, actor_names) -> TrainingCorpus:
        emotions = sorted(set(emo_names))
        actors = sorted(set(actor_names))
        lengths_t = torch.tensor(lengths, dtype=torch.long)
        audio_lengths_t = torch.tensor(audio_lengths, dtype=torch.long)
        return cls(
            frames=torch.cat(frames),
            boxes=torch.cat(boxes).float(),
            clip_start=torch.cumsum(lengths_t, 0) - lengths_t,
            clip_length=lengths_t,
            audio=torch.cat(audio),
            audio_start=torch.cumsum(audio_lengths_t, 0) - audio_lengths_t,
            audio_length=audio_lengths_t,
            emotion=torch.tensor([emotions.index(e) for e in emo_names]),
            actor=torch.tensor([actors.index(a) for a in actor_names]),
            emotions=emotions,
            actors=actors,
        )

    @classmethod
    def synthetic(
        cls,
        num_clips: int = 4,
        frames: int = 8,
        resolution: int = 64,
        emotions: tuple[str, ...] | None = None,
        seed: int = 0,
    ) -> TrainingCorpus:
        """A small corpus of moving coloured blobs with noise audio, for tests and smoke runs.

        Each clip has its own colour (its "identity"), a blob whose height follows the audio
        envelope ("mouth"), and a brightness offset per emotion, so every condition carries signal.
        """
        from eatface.build import TINY_WORDS

        names = emotions or TINY_WORDS[:8]
        rng = np.random.default_rng(seed)
        yy, xx = np.mgrid[0:resolution, 0:resolution] / resolution
        out_f, out_b, lengths, audio, audio_lengths, emo, actors = [], [], [], [], [], [], []
        for c in range(num_clips):
            e = c % len(names)
            colour = rng.uniform(0.2, 0.8, 3)
            env = np.abs(np.sin(np.linspace(0, rng.uniform(2, 6), frames)))
            clip_frames = []
            for t in range(frames):
                img = np.ones((resolution, resolution, 3)) * colour * (0.6 + 0.05 * e)
                mouth = (np.abs(xx - 0.5) < 0.2) & (np.abs(yy - 0.7) < 0.02 + 0.12 * env[t])
                img[mouth] = 0.1
                clip_frames.append((img * 255).astype(np.uint8))
            x = torch.from_numpy(np.stack(clip_frames)).permute(0, 3, 1, 2).contiguous()
            out_f.append(x)
            out_b.append(torch.tensor([[0.2, 0.3, 0.8, 0.95]]).repeat(frames, 1) * resolution)
            lengths.append(frames)
            samples = np.repeat(env, SAMPLES_PER_FRAME) * rng.normal(0, 0.3, frames * SAMPLES_PER_FRAME)
            audio.append(torch.from_numpy(samples.astype(np.float32)))
            audio_lengths.append(samples.size)
            emo.append(names[e])
            actors.append(f"A{c // len(names):02d}")  # each actor shows every emotion in turn
        return cls._assemble(out_f, out_b, lengths, audio, audio_lengths, emo, actors)

    # ------------------------------------------------------------------ storage
    def save(self, path: str | Path) -> Path:
        """Write the corpus to one safetensors file (names in its metadata)."""
        from safetensors.torch import save_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tensors = {
            k: getattr(self, k).contiguous()
            for k in (
                "frames",
                "boxes",
                "clip_start",
                "clip_length",
                "audio",
                "audio_start",
                "audio_length",
                "emotion",
                "actor",
            )
        }
        tmp = path.with_suffix(".tmp")
        save_file(
            tensors, str(tmp), metadata={"emotions": json.dumps(self.emotions), "actors": json.dumps(self.actors)}
        )
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> TrainingCorpus:
        from safetensors import safe_open

        path = Path(path)
        if not path.is_file():
            raise EATFaceError(f"--corpus {path}: no such file; build it with `eatbench train` (it writes one)")
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata()
            tensors = {k: f.get_tensor(k) for k in f.keys()}
        return cls(**tensors, emotions=json.loads(meta["emotions"]), actors=json.loads(meta["actors"]))

    # ------------------------------------------------------------------ sampling
    def random_frame_of_clip(self, clips: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """One random frame index inside each clip of ``clips``."""
        u = torch.rand(len(clips), generator=gen)
        return self.clip_start[clips] + (u * self.clip_length[clips]).long().clamp(max=self.clip_length[clips] - 1)

    def neutral_reference(self, clips: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """For each clip, a random frame of a neutral clip of the same actor (the clip itself if none)."""
        if NEUTRAL in self.emotions:
            neutral = self.emotion == self.emotions.index(NEUTRAL)
        else:
            neutral = torch.zeros_like(self.emotion, dtype=torch.bool)
        chosen = clips.clone()
        for k, c in enumerate(clips.tolist()):
            pool = torch.nonzero(neutral & (self.actor == self.actor[c])).flatten()
            if len(pool):  # no neutral clip of this actor: fall back to a frame of the clip itself
                chosen[k] = pool[torch.randint(len(pool), (1,), generator=gen)]
        return self.random_frame_of_clip(chosen, gen)

    def sample_frames(self, batch_size: int, gen: torch.Generator) -> torch.Tensor:
        """Uniformly random frame indices (with replacement)."""
        return torch.randint(self.num_frames, (batch_size,), generator=gen)

    def sample_distinct_emotions(self, batch_size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """EVE mini-batch: N frames of pairwise different emotions, all of one actor.

        The actor is drawn at random among those with at least two emotions (else from all actors);
        N = min(batch_size, that actor's number of emotions). One actor per mini-batch is our choice
        (the paper only asks for no repeated emotion): x_r is a frame of the same actor as x_e, so
        with pairs from different actors the loss could match each h^e_i to h^v_i by identity alone,
        and did (the tiny preset's h^e varied 6.6x more across actors than across emotions).

        Returns:
            (frames x_e, frames x_r): the emotional frames and an emotionless frame of the same actor.
        """
        actor = self.eve_actors[int(torch.randint(len(self.eve_actors), (1,), generator=gen))]
        own = torch.nonzero(self.actor == actor).flatten()  # this actor's clips
        emotions = torch.unique(self.emotion[own])
        n = min(batch_size, len(emotions))
        emos = emotions[torch.randperm(len(emotions), generator=gen)[:n]]
        clips = torch.empty(n, dtype=torch.long)
        for k, e in enumerate(emos.tolist()):
            pool = own[self.emotion[own] == e]
            clips[k] = pool[torch.randint(len(pool), (1,), generator=gen)]
        return self.random_frame_of_clip(clips, gen), self.neutral_reference(clips, gen)
