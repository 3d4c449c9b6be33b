"""The run folder the stages share: the pipeline being trained, what each stage did, cached inputs.

``<out>/`` is a complete ``EATFacePipeline.save_pretrained`` folder after every stage, plus
``training_state.json`` (the preset, the variant, and per stage the steps run and the last loss),
``checkpoints/<stage>/`` and ``stages/tfr/`` (the TFR stage's UNet and F_a, kept because the finetune
stage overwrites the run folder's UNet; another variant starts from it, see
:mod:`eatface.training.initialise`). A stage loads the folder, trains its part, and saves the folder again, so
the stages can run in separate processes, be resumed, and be followed by sampling at any point.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import torch

from eatface.audio import audio_features, audio_windows
from eatface.build import build_pipeline
from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.errors import EATFaceError
from eatface.mask import masked_image

STATE_FILE = "training_state.json"
TFR_SNAPSHOT = Path("stages") / "tfr"  # <out>/stages/tfr/{unet,audio_projector}/


def read_state(out_dir: str | Path) -> dict[str, Any]:
    path = Path(out_dir) / STATE_FILE
    return json.loads(path.read_text()) if path.is_file() else {"stages": {}}


def initialised_steps(out_dir: str | Path, stage: str) -> int | None:
    """The step count ``--init-from`` set for ``stage`` (w/o-FEC's shorter TFR), or None."""
    return read_state(out_dir).get("init_from", {}).get("steps", {}).get(stage)


def save_tfr_snapshot(pipe: Any, out_dir: str | Path) -> Path:
    """Keep the TFR result (UNet + F_a) in ``<out>/stages/tfr/``, written beside and renamed into place."""
    root = Path(out_dir) / TFR_SNAPSHOT
    tmp = root.with_name(root.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    pipe.unet.save_pretrained(tmp / "unet")
    pipe.audio_projector.save_pretrained(tmp / "audio_projector")
    shutil.rmtree(root, ignore_errors=True)
    tmp.replace(root)
    return root


def require_stages(out_dir: str | Path, stage: str, needed: list[str]) -> None:
    """Refuse to run ``stage`` before the stages it builds on."""
    done = read_state(out_dir)["stages"]
    missing = [s for s in needed if s not in done]
    if missing:
        raise EATFaceError(
            f"stage {stage} builds on {', '.join(missing)}, not yet trained in {out_dir}: "
            f"run `eatbench train {missing[0]}` with the same --out first (or `eatbench train all`)"
        )


def load_pipeline(config: EATFaceConfig, out_dir: str | Path) -> Any:
    """The pipeline saved in ``out_dir``, or a fresh one for ``config`` when the folder is new."""
    from eatface.pipeline_eatface import EATFacePipeline

    out_dir = Path(out_dir)
    if (out_dir / "model_index.json").is_file():
        pipe = EATFacePipeline.from_pretrained(out_dir)
        if pipe.config.ablation != config.ablation:
            raise EATFaceError(
                f"--out {out_dir} holds variant {pipe.config.ablation}, not {config.ablation}: use another --out"
            )
        state = read_state(out_dir)
        if state.get("preset") not in (None, config.name):
            raise EATFaceError(f"--out {out_dir} holds preset {state['preset']}, not {config.name}: use another --out")
        return pipe
    return build_pipeline(config)


def save_pipeline(accelerator: Any, pipe: Any, config: EATFaceConfig, out_dir: str | Path, result: Any) -> None:
    """Save the pipeline and record the stage (main process only), then synchronise."""
    out_dir = Path(out_dir)
    if accelerator.is_main_process:
        pipe.save_pretrained(out_dir)
        state = read_state(out_dir)
        state.update(preset=config.name, ablation=config.ablation)
        # a re-run of a complete stage trains nothing: the record of the run that did stays
        if not (result.stage in state["stages"] and not result.losses and result.resumed_from >= result.steps):
            state["stages"][result.stage] = {
                "steps": result.steps,
                "resumed_from": result.resumed_from,
                "last_loss": result.losses[-1] if result.losses else None,
                "first_loss": result.losses[0] if result.losses else None,
                "num_processes": accelerator.num_processes,
                "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
            }
            tmp = out_dir / (STATE_FILE + ".tmp")
            tmp.write_text(json.dumps(state, indent=2))
            tmp.replace(out_dir / STATE_FILE)
    accelerator.wait_for_everyone()


@torch.no_grad()
def latent_cache(pipe: Any, corpus: TrainingCorpus, batch_size: int = 128) -> dict[str, torch.Tensor]:
    """z_0 = E(x) and z_m = E(x_m) of every corpus frame (posterior modes, scaled), on CPU."""
    z0, zm = [], []
    for k in range(0, corpus.num_frames, batch_size):
        idx = torch.arange(k, min(k + batch_size, corpus.num_frames))
        x = corpus.images(idx)
        z0.append(pipe.encode_images(x).cpu())
        zm.append(pipe.encode_images(masked_image(x, corpus.boxes[idx])).cpu())
    return {"z0": torch.cat(z0), "zm": torch.cat(zm)}


@torch.no_grad()
def window_cache(pipe: Any, corpus: TrainingCorpus, copies: int = 0, seed: int = 0) -> torch.Tensor:
    """The audio window [a_{u-1}; a_u; a_{u+1}] of every corpus frame, (1 + copies, M, 3, D_w), on CPU.

    Row 0 is the clean audio; rows 1.. come from augmented copies of each clip's audio
    (:func:`eatface.audio_augment.augment_audio`, seeded by ``seed`` and the clip). With copies the
    cache is stored as float16 (it is large); without, as float32. Draw rows with :func:`pick_windows`.
    """
    import numpy as np

    from eatface.audio_augment import augment_audio

    versions = []
    for v in range(1 + copies):
        out = []
        for c in range(corpus.num_clips):
            audio = corpus.clip_audio(c)
            if v:
                audio = augment_audio(audio, np.random.default_rng([seed, v, c]))
            feats = audio_features(pipe.audio_encoder, audio)
            out.append(audio_windows(feats, int(corpus.clip_length[c])).cpu())
        versions.append(torch.cat(out).to(torch.float16 if copies else torch.float32))
    return torch.stack(versions)


def pick_windows(windows: torch.Tensor, idx: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """The windows of frames ``idx`` (B, 3, D_w), each from a random row of the cache (clean or augmented)."""
    if windows.shape[0] == 1:  # no augmentation: no random draw, the stream stays as without this step
        return windows[0, idx].float()
    rows = torch.randint(windows.shape[0], (len(idx),), generator=gen)
    return windows[rows, idx].float()


@torch.no_grad()
def emotion_text_cache(pipe: Any, corpus: TrainingCorpus) -> torch.Tensor | None:
    """E_CT("<e> emotion") per corpus emotion, (E, P), or None without CLIP."""
    if pipe.clip is None:
        return None
    return pipe.text_embeds(corpus.emotions).cpu()


def diffusion_batch(
    gen: torch.Generator, latents: torch.Tensor, idx: torch.Tensor, num_train_timesteps: int
) -> dict[str, torch.Tensor]:
    """ε ~ N(0, I) and t ~ U{0, T-1} for the frames ``idx`` (Eqs. 5 and 11)."""
    return {
        "noise": torch.randn((len(idx), *latents.shape[1:]), generator=gen),
        "t": torch.randint(0, num_train_timesteps, (len(idx),), generator=gen),
    }
