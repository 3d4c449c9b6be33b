"""Stage ``tfr``: the Talking Face Reconstructor (Sec. III-C), loss Eq. 5.

Trains the UNet and F_a on ‖ε − ε_θ(z̃_t, t, c_a, c_v)‖² (the mouth weighted ``tfr_mouth_weight``
times, a preset setting: 1 in ``paper``, 5 in ``tiny``) with c_v = {z_m, z_r}: z_m from the masked
target frame, z_r from a frame drawn at random from the same video ("we randomly select a frame x_r
from the video as the reference image"). The VAE and wav2vec are frozen; their outputs are cached
once. In the w/o-FEC variant F_a also learns the emotion token (E_CT(e) → one more token).

:class:`DenoisingObjective` also serves the ControlNet and fine-tune stages (Eq. 11).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.mask import mouth_boxes, region_weights, weighted_mean
from eatface.training.loop import StageResult, make_accelerator, run_stage_loop
from eatface.training.workspace import (
    diffusion_batch,
    emotion_text_cache,
    initialised_steps,
    latent_cache,
    load_pipeline,
    pick_windows,
    require_stages,
    save_pipeline,
    save_tfr_snapshot,
    window_cache,
)
from eatface.unet import predict_noise


class DenoisingObjective(nn.Module):
    """‖ε − ε_θ(√ᾱ_t z_0 + √(1−ᾱ_t) ε, t, c_a, c_v[, φ(c_e)])‖² (Eqs. 5, 11)."""

    def __init__(
        self,
        unet: nn.Module,
        audio_projector: nn.Module,
        alphas_cumprod: torch.Tensor,
        controlnet: nn.Module | None = None,
    ) -> None:
        super().__init__()
        self.unet = unet
        self.audio_projector = audio_projector
        self.controlnet = controlnet
        self.register_buffer("alphas_cumprod", alphas_cumprod.float().clone(), persistent=False)

    def forward(
        self,
        z0: torch.Tensor,
        zm: torch.Tensor,
        zr: torch.Tensor,
        windows: torch.Tensor,
        noise: torch.Tensor,
        t: torch.Tensor,
        text: torch.Tensor | None = None,
        c_e: torch.Tensor | None = None,
        weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The loss; ``weight`` (B, 1, h, w) weighs latent pixels (normalised to mean 1), None: Eq. 5."""
        ab = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        z_t = ab.sqrt() * z0 + (1.0 - ab).sqrt() * noise  # forward diffusion q(z_t | z_0)
        c_a = self.audio_projector(windows, text)  # (B, 3[+1], D)
        eps = predict_noise(self.unet, z_t, t, zm, zr, c_a, self.controlnet, c_e)
        if weight is None:
            return F.mse_loss(eps.float(), noise.float())
        return weighted_mean((eps.float() - noise.float()).square(), weight)


def train_tfr(
    config: EATFaceConfig,
    corpus: TrainingCorpus,
    out_dir: str | Path,
    steps: int | None = None,
    seed: int | None = None,
    resume: bool = True,
    accelerator: Any = None,
    progress: bool = True,
) -> StageResult:
    """Train UNet + F_a with Eq. 5 and save the pipeline folder (and the ``stages/tfr/`` snapshot)."""
    if isinstance(config.vae, dict):
        require_stages(out_dir, "tfr", ["vae"])
    steps = steps or initialised_steps(out_dir, "tfr")  # a w/o-FEC run started from another run's TFR
    accelerator = accelerator or make_accelerator(out_dir)
    pipe = load_pipeline(config, out_dir).to(accelerator.device)
    settings = config.stages["tfr"]
    batch = max(1, settings.batch_size // accelerator.num_processes)
    lat = latent_cache(pipe, corpus)
    win = window_cache(pipe, corpus, config.audio_augment, config.seed)
    text = emotion_text_cache(pipe, corpus) if pipe.ablation.text_token else None
    num_t = pipe.scheduler.config.num_train_timesteps
    size = lat["z0"].shape[-1]
    scale = size / corpus.resolution  # mask boxes are in corpus pixels

    def sample(gen: torch.Generator) -> dict[str, torch.Tensor]:
        idx = corpus.sample_frames(batch, gen)
        clips = corpus.frame_clip[idx]
        ref = corpus.random_frame_of_clip(clips, gen)  # x_r: a random frame of the same video
        out = {"z0": lat["z0"][idx], "zm": lat["zm"][idx], "zr": lat["z0"][ref]}
        out["windows"] = pick_windows(win, idx, gen)
        out.update(diffusion_batch(gen, lat["z0"], idx, num_t))
        if text is not None:
            out["text"] = text[corpus.emotion[clips]]
        if config.tfr_mouth_weight != 1.0:
            out["weight"] = region_weights(mouth_boxes(corpus.boxes[idx]) * scale, size, config.tfr_mouth_weight)
        return out

    pipe.unet.requires_grad_(True)
    pipe.audio_projector.requires_grad_(True)
    objective = DenoisingObjective(pipe.unet, pipe.audio_projector, pipe.scheduler.alphas_cumprod)
    objective, result = run_stage_loop(
        accelerator,
        "tfr",
        objective,
        settings,
        sample,
        out_dir,
        steps,
        config.seed if seed is None else seed,
        resume,
        progress,
    )
    pipe.unet = objective.unet.eval().requires_grad_(False)
    pipe.audio_projector = objective.audio_projector.eval().requires_grad_(False)
    if accelerator.is_main_process:  # the finetune stage later overwrites the run folder's UNet
        save_tfr_snapshot(pipe, out_dir)
    save_pipeline(accelerator, pipe, config, out_dir, result)
    return result
