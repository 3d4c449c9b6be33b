"""``--init-from``: a variant starts from a finished run's VAE and TFR-stage UNet and trains only its own stages.

The reference for "shared" is the source run's files on disk: the tfr stage's snapshot and its final
Accelerate checkpoint (written by the training loop, not by the code under test), compared tensor by
tensor; "trains only its own stages" is read from the losses each stage returns.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from eatface import EATFaceError, EATFacePipeline
from eatface.configuration import get_preset
from eatface.data import TrainingCorpus
from eatface.training import initialise_from, stages_for, train_all, train_stage
from eatface.training.initialise import FEC_STEPS_FRACTION

WEIGHTS = "diffusion_pytorch_model.safetensors"


@pytest.fixture(scope="module")
def corpus():
    return TrainingCorpus.synthetic(num_clips=8, frames=4, resolution=64)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory, corpus) -> Path:
    """A full run, two steps per stage: vae → tfr → eve → controlnet → finetune → interpolator."""
    out = tmp_path_factory.mktemp("full")
    config = get_preset("tiny")
    for stage in stages_for(config):
        train_stage(stage, config, corpus, out, steps=2, progress=False)
    return out


def assert_same(module: torch.nn.Module, weights: dict[str, torch.Tensor], skip: str = "") -> None:
    state = {k: v for k, v in module.state_dict().items() if not (skip and k.startswith(skip))}
    assert state.keys() == weights.keys()
    assert all(torch.equal(state[k], weights[k]) for k in state)


def tfr_checkpoint(run: Path) -> tuple[dict, dict]:
    """The UNet and F_a of the tfr stage's final Accelerate checkpoint."""
    w = load_file(run / "checkpoints" / "tfr" / "checkpoint-2" / "model.safetensors")
    unet = {k.removeprefix("unet."): v for k, v in w.items() if k.startswith("unet.")}
    f_a = {k.removeprefix("audio_projector."): v for k, v in w.items() if k.startswith("audio_projector.")}
    return unet, f_a


def test_the_tfr_stage_keeps_a_snapshot_that_finetune_does_not_overwrite(full_run):
    unet, f_a = tfr_checkpoint(full_run)
    snap_unet = load_file(full_run / "stages" / "tfr" / "unet" / WEIGHTS)
    snap_fa = load_file(full_run / "stages" / "tfr" / "audio_projector" / WEIGHTS)
    assert snap_unet.keys() == unet.keys() and all(torch.equal(snap_unet[k], unet[k]) for k in unet)
    assert all(torch.equal(snap_fa[k], f_a[k]) for k in f_a)
    finetuned = load_file(full_run / "unet" / WEIGHTS)
    assert any(not torch.equal(finetuned[k], unet[k]) for k in unet)  # the run folder's UNet moved on


def test_wo_emo_is_a_copy_of_the_full_tfr_and_trains_nothing(full_run, corpus, tmp_path):
    config = get_preset("tiny", ablation="w/o-Emo")
    record = initialise_from(config, tmp_path, full_run)
    results = train_all(config, corpus, tmp_path, steps=1, progress=False)
    assert [r.stage for r in results] == ["vae", "tfr", "interpolator"] and all(r.losses == [] for r in results)
    pipe, full = EATFacePipeline.from_pretrained(tmp_path), EATFacePipeline.from_pretrained(full_run)
    unet, f_a = tfr_checkpoint(full_run)
    assert_same(pipe.unet, unet)
    assert_same(pipe.audio_projector, f_a)
    assert_same(pipe.vae, full.vae.state_dict())
    assert pipe.vae.config.scaling_factor == full.vae.config.scaling_factor != 1.0
    assert_same(pipe.audio_encoder, full.audio_encoder.state_dict())
    assert_same(pipe.interpolator, full.interpolator.state_dict())  # shared post-processing, copied
    assert pipe.clip is None and pipe.config.ablation == "w/o-Emo"
    state = json.loads((tmp_path / "training_state.json").read_text())
    assert state["init_from"] == record and record["copied_stages"] == ["interpolator", "tfr", "vae"]
    assert record["components"]["unet"] == str(full_run.resolve() / "stages" / "tfr")
    # running it again (a resumed `train all --init-from`) keeps the folder as it is
    assert initialise_from(config, tmp_path, full_run) == record


def test_wo_eve_trains_only_its_controlnet_and_finetune_stages(full_run, corpus, tmp_path):
    config = get_preset("tiny", ablation="w/o-EVE")
    initialise_from(config, tmp_path, full_run)
    unet, f_a = tfr_checkpoint(full_run)
    vae = EATFacePipeline.from_pretrained(full_run).vae.state_dict()
    done = [train_stage(s, config, corpus, tmp_path, steps=1, progress=False) for s in ("vae", "tfr", "controlnet")]
    assert [len(r.losses) for r in done] == [0, 0, 1]
    after_controlnet = EATFacePipeline.from_pretrained(tmp_path)
    assert_same(after_controlnet.unet, unet)  # the ControlNet stage trains φ_θ on the frozen full TFR
    assert after_controlnet.controlnet is not None and after_controlnet.eve is None
    result = train_stage("finetune", config, corpus, tmp_path, steps=1, progress=False)
    assert len(result.losses) == 1
    pipe = EATFacePipeline.from_pretrained(tmp_path)
    assert_same(pipe.vae, vae)
    assert_same(pipe.audio_projector, f_a)  # F_a stays frozen after the TFR
    assert any(not torch.equal(pipe.unet.state_dict()[k], unet[k]) for k in unet)  # finetune moved the UNet


def test_wo_fec_starts_from_the_full_tfr_and_trains_it_again_for_fewer_steps(full_run, corpus, tmp_path):
    config = get_preset("tiny", ablation="w/o-FEC")
    record = initialise_from(config, tmp_path, full_run)
    assert record["copied_stages"] == ["interpolator", "vae"]
    assert (
        record["steps"]["tfr"] == round(config.stages["tfr"].steps * FEC_STEPS_FRACTION) == 4000
    )  # a third of the 12000 TFR steps
    unet, f_a = tfr_checkpoint(full_run)
    start = EATFacePipeline.from_pretrained(tmp_path)
    assert_same(start.unet, unet)
    assert_same(start.audio_projector, f_a, skip="emotion_proj.")  # all of F_a but the new emotion token
    assert start.audio_projector.emotion_proj is not None
    vae = start.vae.state_dict()
    result = train_stage("tfr", config, corpus, tmp_path, steps=1, progress=False)
    assert len(result.losses) == 1
    pipe = EATFacePipeline.from_pretrained(tmp_path)
    assert_same(pipe.vae, vae)
    assert any(not torch.equal(pipe.unet.state_dict()[k], unet[k]) for k in unet)


def test_an_older_run_without_the_snapshot_is_read_from_its_tfr_checkpoint(full_run, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(full_run, old)
    shutil.rmtree(old / "stages")
    record = initialise_from(get_preset("tiny", ablation="w/o-Emo"), tmp_path / "new", old)
    assert record["components"]["unet"] == str(old.resolve() / "checkpoints" / "tfr" / "checkpoint-2")
    unet, f_a = tfr_checkpoint(full_run)
    pipe = EATFacePipeline.from_pretrained(tmp_path / "new")
    assert_same(pipe.unet, unet)
    assert_same(pipe.audio_projector, f_a)
    shutil.rmtree(old / "checkpoints" / "tfr")
    with pytest.raises(EATFaceError, match="overwritten by the finetune stage"):
        initialise_from(get_preset("tiny", ablation="w/o-Emo"), tmp_path / "newer", old)


def test_bad_sources_and_targets_are_refused_in_one_line(full_run, corpus, tmp_path):
    wo_emo, fec = get_preset("tiny", ablation="w/o-Emo"), get_preset("tiny", ablation="w/o-FEC")
    with pytest.raises(EATFaceError, match="not a run folder"):
        initialise_from(wo_emo, tmp_path / "a", tmp_path)
    with pytest.raises(EATFaceError, match="preset tiny, not paper"):
        initialise_from(get_preset("paper", ablation="w/o-Emo"), tmp_path / "a", full_run)
    fec_run = tmp_path / "fec"
    initialise_from(fec, fec_run, full_run)
    with pytest.raises(EATFaceError, match="tfr stage has not finished"):
        initialise_from(wo_emo, tmp_path / "a", fec_run)
    train_stage("tfr", fec, corpus, fec_run, steps=1, progress=False)
    with pytest.raises(EATFaceError, match="emotion token"):
        initialise_from(wo_emo, tmp_path / "a", fec_run)
    initialise_from(wo_emo, tmp_path / "b", full_run)
    with pytest.raises(EATFaceError, match="already holds a run"):
        initialise_from(wo_emo, tmp_path / "b", fec_run)


def test_the_module_entry_point_takes_init_from(full_run, corpus, tmp_path):
    from eatface.training.__main__ import main

    path = corpus.save(tmp_path / "corpus.safetensors")
    out = tmp_path / "wo-emo"
    args = ["--stage", "all", "--variant", "w/o-Emo", "--corpus", str(path), "--out", str(out), "--no-progress"]
    assert main([*args, "--init-from", str(full_run)]) == 0
    state = json.loads((out / "training_state.json").read_text())
    assert state["init_from"]["run"] == str(full_run.resolve()) and state["stages"]["tfr"]["steps"] == 0
