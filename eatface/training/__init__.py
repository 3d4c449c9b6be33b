"""Training stages of EAT-Face, one entry per stage, in the paper's order.

``vae`` (tiny preset only) → ``tfr`` (Sec. III-C, Eq. 5) → ``eve`` (Sec. III-D-1, Eq. 10) →
``controlnet`` (Sec. III-D-2, Eq. 11, everything else frozen) → ``finetune`` (UNet + ControlNet),
then ``interpolator`` (the smoothing step's frame interpolator, Sec. III-E; every variant).
A variant runs the subset it needs (:mod:`eatface.variants`). Every stage reads and writes the same
run folder (a ``save_pretrained`` pipeline folder), runs on HF Accelerate, checkpoints and resumes.
A run folder started from another run (:func:`initialise_from`, ``--init-from``) skips the stages it
copied.

Run under ``accelerate launch`` with ``python -m eatface.training`` (see ``--help``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.errors import EATFaceError, did_you_mean
from eatface.training.controlnet import train_controlnet
from eatface.training.eve import train_eve
from eatface.training.finetune import train_finetune
from eatface.training.initialise import initialise_from, is_copied
from eatface.training.interpolator import train_interpolator
from eatface.training.loop import StageResult
from eatface.training.tfr import train_tfr
from eatface.training.vae import train_vae
from eatface.variants import get_ablation

STAGES: dict[str, Callable[..., StageResult]] = {
    "vae": train_vae,
    "tfr": train_tfr,
    "eve": train_eve,
    "controlnet": train_controlnet,
    "finetune": train_finetune,
    "interpolator": train_interpolator,
}

# Stages every variant has besides its own (eatface.variants): post-processing shared by all.
SHARED_STAGES = ("interpolator",)


def stages_for(config: EATFaceConfig) -> list[str]:
    """The stages ``all`` runs for a preset and variant (the VAE only when the preset trains its own)."""
    own = list(get_ablation(config.ablation).stages)
    return (["vae"] if isinstance(config.vae, dict) else []) + own + list(SHARED_STAGES)


def train_stage(
    stage: str, config: EATFaceConfig, corpus: TrainingCorpus, out_dir: str | Path, **kwargs: Any
) -> StageResult:
    """Run one stage by name (``steps``, ``seed``, ``resume``, ``accelerator``, ``progress`` pass through)."""
    if stage not in STAGES:
        raise EATFaceError(f"unknown training stage {stage!r}{did_you_mean(stage, tuple(STAGES))}")
    if stage != "vae" and stage not in get_ablation(config.ablation).stages + SHARED_STAGES:
        raise EATFaceError(f"variant {config.ablation} has no {stage} stage; it trains {', '.join(stages_for(config))}")
    if stage == "vae" and not isinstance(config.vae, dict):
        raise EATFaceError(f"preset {config.name} uses the pretrained VAE {config.vae!r}; there is no vae stage")
    if is_copied(out_dir, stage):  # copied from another run by --init-from: nothing to train
        return StageResult(stage=stage, steps=0, resumed_from=0)
    return STAGES[stage](config, corpus, out_dir, **kwargs)


def train_all(config: EATFaceConfig, corpus: TrainingCorpus, out_dir: str | Path, **kwargs: Any) -> list[StageResult]:
    """Every stage of the variant, in order; stages already complete in ``out_dir`` resume instantly."""
    return [train_stage(s, config, corpus, out_dir, **kwargs) for s in stages_for(config)]


__all__ = ["STAGES", "StageResult", "TrainingCorpus", "initialise_from", "stages_for", "train_all", "train_stage"]
