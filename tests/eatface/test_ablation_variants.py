"""Every ablation variant (Table IV) builds, trains a step, samples, and round-trips through save/load."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eatface import EATFaceError, EATFacePipeline, get_ablation
from eatface.configuration import get_preset
from eatface.data import TrainingCorpus
from eatface.training import stages_for, train_stage


def test_variant_names_and_stages():
    assert get_ablation("wo-eve").name == "w/o-EVE"
    assert get_ablation("W/O_FEC").name == "w/o-FEC"
    with pytest.raises(EATFaceError, match="did you mean"):
        get_ablation("w/o-EV")
    last = ["interpolator"]  # the smoothing interpolator: every variant, last
    assert stages_for(get_preset("tiny")) == ["vae", "tfr", "eve", "controlnet", "finetune", *last]
    assert stages_for(get_preset("tiny", ablation="w/o-EVE")) == ["vae", "tfr", "controlnet", "finetune", *last]
    assert stages_for(get_preset("tiny", ablation="w/o-FEC")) == ["vae", "tfr", *last]
    assert stages_for(get_preset("paper", ablation="w/o-Emo")) == ["tfr", *last]


@pytest.mark.slow  # every stage of a variant loads and saves the pipeline: ~1-2 min in all on 2 busy cores
@pytest.mark.parametrize("variant", ["full", "w/o-EVE", "w/o-FEC", "w/o-Emo"])
def test_variant_trains_one_step_per_stage_and_samples(variant, tmp_path):
    corpus = TrainingCorpus.synthetic(num_clips=8, frames=4, resolution=64)
    config = get_preset("tiny", ablation=variant)
    for stage in stages_for(config):
        result = train_stage(stage, config, corpus, tmp_path, steps=1, progress=False)
        assert len(result.losses) == 1 and np.isfinite(result.losses[0])
    pipe = EATFacePipeline.from_pretrained(tmp_path)
    pipe.set_progress_bar_config(disable=True)
    assert pipe.config.ablation == variant
    assert (pipe.controlnet is not None) == get_ablation(variant).controlnet
    assert (pipe.eve is not None) == get_ablation(variant).eve
    assert pipe.interpolator is not None  # the smoothing step's interpolator, trained by every variant
    image = corpus.frames[0].permute(1, 2, 0).numpy()
    audio = corpus.clip_audio(0)
    emotion = None if variant == "w/o-Emo" else "happy"
    frames = pipe(image, audio, emotion, num_inference_steps=2, generator=torch.Generator().manual_seed(0)).frames
    assert frames.shape == (4, 64, 64, 3)
