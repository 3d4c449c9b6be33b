"""Stage ``eve``: the joint Emotion-Visual Embedding adapters (Sec. III-D-1), loss Eq. 10.

Each mini-batch holds N pairs of pairwise different emotions (N = min(batch size, #emotions); the
paper's batch of 8 equals MEAD's 8 emotions). For pair i: x_e, a frame of a clip with emotion e_i;
x_r, an emotionless (neutral) frame of the same actor (or, with no neutral clip of that actor, a
frame of the same clip); h^v_i = A_v(E_CI(x_e)) (Eq. 6) and h^e_i = α A_e(E_CT(e_i)) + (1 − α)
A_v(E_CI(x_r)) (Eq. 7). CLIP is frozen; only A_v and A_e learn. All pairs of a mini-batch come
from one actor (see :meth:`TrainingCorpus.sample_distinct_emotions`).

Before the first step the adapters' input standardisation is fixed from the corpus: μ and σ of the
CLIP image embeddings of up to :data:`STATS_FRAMES` training frames (drawn with the stage's seed)
and of the text embeddings of the corpus's emotion prompts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.eve import clip_image_embeds, contrastive_loss
from eatface.training.loop import StageResult, make_accelerator, run_stage_loop
from eatface.training.workspace import emotion_text_cache, load_pipeline, save_pipeline

STATS_FRAMES = 4096


class EVEObjective(nn.Module):
    """L^{e↔v} of Eq. 10 on precomputed CLIP embeddings."""

    def __init__(self, eve: nn.Module, tau: float) -> None:
        super().__init__()
        self.eve = eve
        self.tau = tau

    def forward(self, image_e: torch.Tensor, image_r: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        h_v = self.eve.visual(image_e)  # (6)
        h_e = self.eve.fuse(text, image_r)  # (7)
        return contrastive_loss(h_e, h_v, self.tau)  # (8)-(10)


def train_eve(
    config: EATFaceConfig,
    corpus: TrainingCorpus,
    out_dir: str | Path,
    steps: int | None = None,
    seed: int | None = None,
    resume: bool = True,
    accelerator: Any = None,
    progress: bool = True,
) -> StageResult:
    """Train A_v and A_e and save the pipeline folder."""
    accelerator = accelerator or make_accelerator(out_dir)
    pipe = load_pipeline(config, out_dir).to(accelerator.device)
    if pipe.eve is None:
        raise ValueError(f"variant {config.ablation} has no EVE adapters; its stages are {pipe.ablation.stages}")
    if len(corpus.emotions) < 2:
        raise ValueError(f"the EVE loss needs at least 2 emotions in the corpus, got {corpus.emotions}")
    settings = config.stages["eve"]
    text = emotion_text_cache(pipe, corpus)  # (E, P)
    with torch.no_grad():
        gen = torch.Generator().manual_seed(config.seed if seed is None else seed)
        frames = torch.randperm(corpus.num_frames, generator=gen)[:STATS_FRAMES]
        device = pipe.clip.device
        image_embeds = torch.cat(
            [
                clip_image_embeds(pipe.clip, corpus.images(frames[k : k + 256]).to(device)).cpu()
                for k in range(0, len(frames), 256)
            ]
        )
        pipe.eve.set_input_stats(image_embeds, text)

    def sample(gen: torch.Generator) -> dict[str, torch.Tensor]:
        idx_e, idx_r = corpus.sample_distinct_emotions(settings.batch_size, gen)
        device = pipe.clip.device
        return {
            "image_e": clip_image_embeds(pipe.clip, corpus.images(idx_e).to(device)).cpu(),
            "image_r": clip_image_embeds(pipe.clip, corpus.images(idx_r).to(device)).cpu(),
            "text": text[corpus.emotion[corpus.frame_clip[idx_e]]],
        }

    pipe.eve.requires_grad_(True)
    objective, result = run_stage_loop(
        accelerator,
        "eve",
        EVEObjective(pipe.eve, config.tau),
        settings,
        sample,
        out_dir,
        steps,
        config.seed if seed is None else seed,
        resume,
        progress,
    )
    pipe.eve = objective.eve.eval().requires_grad_(False)
    save_pipeline(accelerator, pipe, config, out_dir, result)
    return result
