"""Stage ``interpolator``: the learned frame interpolator of the smoothing step (Sec. III-E).

The paper smooths the sampled frames with "the frame interpolation technology [24]", a pretrained
video-frame interpolator, and does not train it. A pretrained flow interpolator cannot be fetched
here, so this stage trains the small :class:`~eatface.interpolation.FrameInterpolator` on the
corpus's real frame triplets: I(x_{i−1}, x_{i+1}) should give x_i, L1 loss in [-1, 1] (our choice,
as for the VAE). The frames are the training clips' ground truth at the model resolution, so the
interpolator learns how real faces move between two frames, not how our sampler errs.

It is post-processing shared by every variant: ``train all`` runs it last, and ``--init-from``
copies it. Until it has run, ``interpolation="auto"`` falls back to the documented blend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.interpolation import FrameInterpolator
from eatface.training.loop import StageResult, make_accelerator, run_stage_loop
from eatface.training.workspace import load_pipeline, save_pipeline


class InterpolationObjective(nn.Module):
    """‖I(x_{i−1}, x_{i+1}) − x_i‖₁."""

    def __init__(self, interpolator: nn.Module) -> None:
        super().__init__()
        self.interpolator = interpolator

    def forward(self, prev: torch.Tensor, middle: torch.Tensor, nxt: torch.Tensor) -> torch.Tensor:
        return F.l1_loss(self.interpolator(prev, nxt), middle)


def interior_frames(corpus: TrainingCorpus) -> torch.Tensor:
    """Indices of every frame whose clip has a frame before and after it, (K,)."""
    first = corpus.clip_start[corpus.frame_clip]
    last = first + corpus.clip_length[corpus.frame_clip] - 1
    index = torch.arange(corpus.num_frames)
    return index[(index > first) & (index < last)]


def train_interpolator(
    config: EATFaceConfig,
    corpus: TrainingCorpus,
    out_dir: str | Path,
    steps: int | None = None,
    seed: int | None = None,
    resume: bool = True,
    accelerator: Any = None,
    progress: bool = True,
) -> StageResult:
    """Train the frame interpolator on corpus triplets and save it into the pipeline folder."""
    middles = interior_frames(corpus)
    if len(middles) == 0:
        raise ValueError("the interpolator needs clips of at least 3 frames; the corpus has none")
    accelerator = accelerator or make_accelerator(out_dir)
    pipe = load_pipeline(config, out_dir)
    if pipe.interpolator is None:
        torch.manual_seed(config.seed + 6)
        pipe.register_modules(interpolator=FrameInterpolator())
    pipe = pipe.to(accelerator.device)
    settings = config.stages["interpolator"]
    batch = max(1, settings.batch_size // accelerator.num_processes)

    def sample(gen: torch.Generator) -> dict[str, torch.Tensor]:
        mid = middles[torch.randint(len(middles), (batch,), generator=gen)]
        return {"prev": corpus.images(mid - 1), "middle": corpus.images(mid), "nxt": corpus.images(mid + 1)}

    pipe.interpolator.requires_grad_(True)
    objective, result = run_stage_loop(
        accelerator,
        "interpolator",
        InterpolationObjective(pipe.interpolator),
        settings,
        sample,
        out_dir,
        steps,
        config.seed if seed is None else seed,
        resume,
        progress,
    )
    pipe.register_modules(interpolator=objective.interpolator.eval().requires_grad_(False))
    save_pipeline(accelerator, pipe, config, out_dir, result)
    return result
