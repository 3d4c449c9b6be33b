"""Stage ``vae`` (tiny preset only): train the small KL autoencoder on the corpus frames.

The paper uses a pretrained LDM VAE [46, 62]; the tiny preset has none at 64², so it trains one:
L1 reconstruction + 1e-6 · KL (our choice; LDM adds perceptual and GAN terms we leave out at this
size), with the pixels inside each frame's face box (the mask box, Face Mesh points 127/151/152/356)
weighted :data:`FACE_WEIGHT` times more than the background (our choice: with a plain L1 the eyes
and brows, a few pixels each at 64², were smudged; reconstructions of real demo frames then scored
only 30 % with the demo emotion judge, which caps what the generator above it can reach).
Afterwards the latent scaling factor is set to 1 / std of the corpus latents, as LDM does, so z has
unit variance for the diffusion stages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.mask import region_weights, weighted_mean
from eatface.training.loop import StageResult, make_accelerator, run_stage_loop
from eatface.training.workspace import load_pipeline, save_pipeline

KL_WEIGHT = 1e-6
FACE_WEIGHT = 5.0


class VAEObjective(nn.Module):
    """Weighted L1(D(z), x) + 1e-6 KL(q(z|x) ‖ N(0, I)), z = μ + σ ε (weights normalised to mean 1)."""

    def __init__(self, vae: nn.Module) -> None:
        super().__init__()
        self.vae = vae

    def forward(self, x: torch.Tensor, eps: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        posterior = self.vae.encode(x).latent_dist
        z = posterior.mean + posterior.std * eps
        rec = self.vae.decode(z).sample
        return weighted_mean((rec - x).abs(), weight) + KL_WEIGHT * posterior.kl().mean()


def train_vae(
    config: EATFaceConfig,
    corpus: TrainingCorpus,
    out_dir: str | Path,
    steps: int | None = None,
    seed: int | None = None,
    resume: bool = True,
    accelerator: Any = None,
    progress: bool = True,
) -> StageResult:
    """Train the VAE, set its scaling factor, save the pipeline folder."""
    accelerator = accelerator or make_accelerator(out_dir)
    pipe = load_pipeline(config, out_dir).to(accelerator.device)
    settings = config.stages["vae"]
    batch = max(1, settings.batch_size // accelerator.num_processes)
    latent_shape = (config.latent_channels, config.latent_size, config.latent_size)
    pipe.vae.requires_grad_(True)

    def sample(gen: torch.Generator) -> dict[str, torch.Tensor]:
        idx = corpus.sample_frames(batch, gen)
        return {
            "x": corpus.images(idx),
            "eps": torch.randn((batch, *latent_shape), generator=gen),
            "weight": region_weights(corpus.boxes[idx], corpus.resolution, FACE_WEIGHT),
        }

    objective, result = run_stage_loop(
        accelerator,
        "vae",
        VAEObjective(pipe.vae),
        settings,
        sample,
        out_dir,
        steps,
        config.seed if seed is None else seed,
        resume,
        progress,
    )
    vae = objective.vae.eval().requires_grad_(False)
    pipe.vae = vae
    # LDM's latent scaling: 1 / std of the (unscaled) latents of up to 1024 corpus frames.
    vae.register_to_config(scaling_factor=1.0)
    g = torch.Generator().manual_seed(0)
    idx = torch.randperm(corpus.num_frames, generator=g)[:1024]
    z = pipe.encode_images(corpus.images(idx).to(accelerator.device))
    vae.register_to_config(scaling_factor=float(1.0 / z.float().std().clamp_min(1e-6)))
    save_pipeline(accelerator, pipe, config, out_dir, result)
    return result
