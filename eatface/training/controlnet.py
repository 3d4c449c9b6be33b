"""Stages ``controlnet`` and ``finetune``: the Emotion ControlNet (Sec. III-D-2), loss Eq. 11.

"we first train Emotion ControlNet separately while keeping the weights of other networks frozen.
Once the training is complete, we unfreeze the weight of the UNet part and fine-tune it through
Emotion ControlNet." In ``controlnet`` only φ_θ learns; in ``finetune`` the UNet and φ_θ learn
together (F_a, EVE and the towers stay frozen: the paper unfreezes "the UNet part" only).

The ControlNet is created from the trained TFR UNet (encoder copied, zero-initialised exits) the
first time. The identity reference x_r of these stages is a frame of a neutral clip of the same
actor when there is one (our choice: with a reference from the same emotional video, as in the TFR
stage, the UNet could copy the expression from z_r and the ControlNet would have nothing to learn);
the same x_r feeds EVE's identity term of Eq. 7. c_e = reshape(h^e) repeated to 4 channels
(``full``) or built from E_CT(e) directly (``w/o-EVE``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from eatface.configuration import EATFaceConfig
from eatface.controlnet import build_controlnet, emotion_condition
from eatface.data import TrainingCorpus
from eatface.eve import clip_image_embeds
from eatface.training.loop import StageResult, make_accelerator, run_stage_loop
from eatface.training.tfr import DenoisingObjective
from eatface.training.workspace import (
    diffusion_batch,
    emotion_text_cache,
    latent_cache,
    load_pipeline,
    pick_windows,
    require_stages,
    save_pipeline,
    window_cache,
)


def train_emotion_controlnet(
    stage: str,
    config: EATFaceConfig,
    corpus: TrainingCorpus,
    out_dir: str | Path,
    steps: int | None = None,
    seed: int | None = None,
    resume: bool = True,
    accelerator: Any = None,
    progress: bool = True,
) -> StageResult:
    """Train the ControlNet (``stage='controlnet'``) or UNet + ControlNet (``'finetune'``) with Eq. 11."""
    if stage not in ("controlnet", "finetune"):
        raise ValueError(f"stage must be 'controlnet' or 'finetune', got {stage!r}")
    accelerator = accelerator or make_accelerator(out_dir)
    pipe = load_pipeline(config, out_dir)
    ablation = pipe.ablation
    if not ablation.controlnet:
        raise ValueError(f"variant {config.ablation} has no Emotion ControlNet; its stages are {ablation.stages}")
    needed = ["tfr"] + (["eve"] if ablation.eve else []) + (["controlnet"] if stage == "finetune" else [])
    require_stages(out_dir, stage, needed)
    if pipe.controlnet is None:
        pipe.register_modules(controlnet=build_controlnet(pipe.unet, config))
    pipe = pipe.to(accelerator.device)
    settings = config.stages[stage]
    batch = max(1, settings.batch_size // accelerator.num_processes)
    lat = latent_cache(pipe, corpus)
    win = window_cache(pipe, corpus, config.audio_augment, config.seed)
    text = emotion_text_cache(pipe, corpus)  # (E, P)
    num_t = pipe.scheduler.config.num_train_timesteps
    size = pipe.unet.config.sample_size

    @torch.no_grad()
    def sample(gen: torch.Generator) -> dict[str, torch.Tensor]:
        idx = corpus.sample_frames(batch, gen)
        clips = corpus.frame_clip[idx]
        ref = corpus.neutral_reference(clips, gen)  # x_r: a neutral frame of the same actor
        t_e = text[corpus.emotion[clips]]  # E_CT(e), (B, P)
        if ablation.eve:
            device = pipe.eve.device
            img_r = clip_image_embeds(pipe.clip, corpus.images(ref).to(device))
            h_e = pipe.eve.fuse(t_e.to(device), img_r).cpu()  # Eq. 7
        else:
            h_e = t_e  # w/o-EVE: the encoded emotion text straight to the ControlNet
        out = {
            "z0": lat["z0"][idx],
            "zm": lat["zm"][idx],
            "zr": lat["z0"][ref],
            "windows": pick_windows(win, idx, gen),
            "c_e": emotion_condition(h_e, size, pipe.unet.config.out_channels),
        }
        out.update(diffusion_batch(gen, lat["z0"], idx, num_t))
        return out

    pipe.controlnet.requires_grad_(True)
    pipe.unet.requires_grad_(stage == "finetune")
    pipe.audio_projector.requires_grad_(False)
    objective = DenoisingObjective(pipe.unet, pipe.audio_projector, pipe.scheduler.alphas_cumprod, pipe.controlnet)
    objective, result = run_stage_loop(
        accelerator,
        stage,
        objective,
        settings,
        sample,
        out_dir,
        steps,
        config.seed if seed is None else seed,
        resume,
        progress,
    )
    pipe.register_modules(
        controlnet=objective.controlnet.eval().requires_grad_(False), unet=objective.unet.eval().requires_grad_(False)
    )
    save_pipeline(accelerator, pipe, config, out_dir, result)
    return result


def train_controlnet(config: EATFaceConfig, corpus: TrainingCorpus, out_dir: str | Path, **kwargs: Any) -> StageResult:
    """Stage ``controlnet``: φ_θ alone, everything else frozen."""
    return train_emotion_controlnet("controlnet", config, corpus, out_dir, **kwargs)
