"""The training stages: order checks, checkpoint + resume, the corpus file, and 2-process Accelerate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from eatface import EATFaceError, EATFacePipeline
from eatface.configuration import get_preset
from eatface.data import TrainingCorpus
from eatface.interpolation import smooth_frames
from eatface.training import train_stage
from eatface.training.interpolator import interior_frames
from eatface.training.loop import latest_checkpoint


@pytest.fixture(scope="module")
def corpus():
    return TrainingCorpus.synthetic(num_clips=8, frames=4, resolution=64)


def test_corpus_round_trip_and_eve_batches(corpus, tmp_path):
    loaded = TrainingCorpus.load(corpus.save(tmp_path / "c.safetensors"))
    assert torch.equal(loaded.frames, corpus.frames) and loaded.emotions == corpus.emotions
    g = torch.Generator().manual_seed(0)
    x_e, x_r = corpus.sample_distinct_emotions(8, g)
    emos = corpus.emotion[corpus.frame_clip[x_e]]
    assert len(set(emos.tolist())) == 8  # never the same emotion twice in an EVE mini-batch
    neutral = corpus.emotions.index("neutral")
    assert (corpus.emotion[corpus.frame_clip[x_r]] == neutral).all()  # x_r is emotionless
    assert torch.equal(corpus.actor[corpus.frame_clip[x_r]], corpus.actor[corpus.frame_clip[x_e]])
    # all pairs of a mini-batch come from one actor, so identity cannot tell the pairs apart
    three = TrainingCorpus.synthetic(num_clips=24, frames=2, resolution=16)  # 3 actors x 8 emotions
    seen = set()
    for _ in range(12):
        x_e, x_r = three.sample_distinct_emotions(8, g)
        actors = set(three.actor[three.frame_clip[torch.cat([x_e, x_r])]].tolist())
        assert len(actors) == 1 and len(set(three.emotion[three.frame_clip[x_e]].tolist())) == 8
        seen |= actors
    assert len(seen) > 1  # the actor is drawn anew for each mini-batch


def test_stages_refuse_to_run_out_of_order(corpus, tmp_path):
    with pytest.raises(EATFaceError, match="run `eatbench train vae`"):
        train_stage("tfr", get_preset("tiny"), corpus, tmp_path, steps=1, progress=False)
    with pytest.raises(EATFaceError, match="has no eve stage"):
        train_stage("eve", get_preset("tiny", ablation="w/o-Emo"), corpus, tmp_path, steps=1, progress=False)


def test_checkpoint_and_resume_continue_the_same_run(corpus, tmp_path):
    cfg = get_preset("tiny")
    cfg.stages["vae"].checkpoint_every = 2
    a = tmp_path / "a"
    full = train_stage("vae", cfg, corpus, a, steps=4, progress=False)
    # an interrupted run: 2 steps, then resume to 4 from its checkpoint
    b = tmp_path / "b"
    train_stage("vae", cfg, corpus, b, steps=2, progress=False)
    assert latest_checkpoint(b / "checkpoints" / "vae")[1] == 2
    resumed = train_stage("vae", cfg, corpus, b, steps=4, progress=False)
    assert resumed.resumed_from == 2 and len(resumed.losses) == 2
    assert resumed.losses == pytest.approx(full.losses[2:], rel=1e-4)
    state = json.loads((b / "training_state.json").read_text())
    assert state["stages"]["vae"]["steps"] == 4 and state["preset"] == "tiny"
    vae = EATFacePipeline.from_pretrained(b).vae
    assert vae.config.scaling_factor != 1.0  # set from the corpus latents


@pytest.mark.slow
def test_a_training_step_under_accelerate_launch_with_two_cpu_processes(corpus, tmp_path):
    accelerate = Path(sys.executable).with_name("accelerate")
    if not accelerate.exists():
        accelerate = shutil.which("accelerate")
    path = corpus.save(tmp_path / "corpus.safetensors")
    out = tmp_path / "run"
    env = dict(os.environ, HF_HUB_OFFLINE="1", OMP_NUM_THREADS="1", CUDA_VISIBLE_DEVICES="", ACCELERATE_USE_CPU="1")
    cmd = [
        str(accelerate),
        "launch",
        "--multi_gpu",  # with no visible GPU: several CPU processes over gloo
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "-m",
        "eatface.training",
        "--stage",
        "vae",
        "--preset",
        "tiny",
        "--corpus",
        str(path),
        "--out",
        str(out),
        "--steps",
        "2",
        "--no-progress",
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[2])
    assert proc.returncode == 0, proc.stderr[-3000:]
    state = json.loads((out / "training_state.json").read_text())
    assert state["stages"]["vae"]["num_processes"] == 2 and state["stages"]["vae"]["steps"] == 2
    assert (out / "vae" / "diffusion_pytorch_model.safetensors").is_file()


def moving_bar_corpus(num_clips: int = 4, frames: int = 6, size: int = 32) -> TrainingCorpus:
    """Clips of a bright bar moving 2 px per frame: the middle frame is not the neighbours' average."""
    base = TrainingCorpus.synthetic(num_clips=num_clips, frames=frames, resolution=size)
    video = torch.zeros(num_clips, frames, 3, size, size, dtype=torch.uint8)
    for c in range(num_clips):
        for t in range(frames):
            x = 4 + 3 * c + 2 * t
            video[c, t, :, :, x : x + 3] = 255
    base.frames = video.flatten(0, 1)
    return base


def test_the_interpolator_stage_learns_middle_frames_better_than_the_blend(tmp_path):
    corpus = moving_bar_corpus()
    middles = interior_frames(corpus)
    assert len(middles) == 4 * 4  # the first and last frame of each clip have no two neighbours
    prev, mid, nxt = corpus.images(middles - 1), corpus.images(middles), corpus.images(middles + 1)
    blend_error = (0.5 * (prev + nxt) - mid).abs().mean().item()
    cfg = get_preset("tiny")
    cfg.stages["interpolator"].warmup_steps = 5
    result = train_stage("interpolator", cfg, corpus, tmp_path, steps=80, progress=False)
    assert len(result.losses) == 80
    pipe = EATFacePipeline.from_pretrained(tmp_path)  # saved into the run folder like every stage
    with torch.no_grad():
        learned_error = (pipe.interpolator(prev, nxt) - mid).abs().mean().item()
        assert learned_error < 0.5 * blend_error  # the zero-initialised residual learned the motion
        clip = corpus.images(torch.arange(6))
        assert torch.equal(
            smooth_frames(clip, "auto", pipe.interpolator), smooth_frames(clip, "learned", pipe.interpolator)
        )
    state = json.loads((tmp_path / "training_state.json").read_text())
    assert state["stages"]["interpolator"]["steps"] == 80


def test_the_tfr_stage_feeds_the_mouth_weights_to_its_loss(corpus, tmp_path, monkeypatch):
    """The tiny preset's tfr_mouth_weight reaches the loss as per-pixel weights over each frame's mouth."""
    import eatface.training.tfr as tfr
    from eatface.mask import mouth_boxes, region_weights

    class Stop(Exception):
        pass

    batches = []

    def first_batch_only(accelerator, stage, objective, settings, sample, *args):
        batches.append(sample(torch.Generator().manual_seed(0)))
        raise Stop

    monkeypatch.setattr(tfr, "run_stage_loop", first_batch_only)
    monkeypatch.setattr(tfr, "require_stages", lambda *args: None)  # no vae stage needed to build a batch
    for k, weight in enumerate((5.0, 1.0)):
        cfg = get_preset("tiny", tfr_mouth_weight=weight)
        with pytest.raises(Stop):
            train_stage("tfr", cfg, corpus, tmp_path / str(k), steps=1, progress=False)
    weighted, plain = batches
    idx = corpus.sample_frames(get_preset("tiny").stages["tfr"].batch_size, torch.Generator().manual_seed(0))
    expected = region_weights(mouth_boxes(corpus.boxes[idx]) * 16 / 64, 16, 5.0)  # 64² frames, 16² latents
    assert torch.equal(weighted["weight"], expected) and (expected == 5.0).any()
    assert "weight" not in plain  # 1.0: Eq. 5 as written
