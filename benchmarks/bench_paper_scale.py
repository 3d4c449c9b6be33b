"""EAT-Face at paper scale on one GPU: every training stage for a few steps, then sampling speed.

Not a test. It builds the ``paper`` preset with its frozen towers replaced by randomly initialised
models of the same architectures (Stable Diffusion's KL-f8 VAE, CLIP ViT-L/14, wav2vec 2.0 base:
their weights cannot be downloaded here), trains every stage (vae, tfr, eve, controlnet, finetune,
interpolator) for ``--train-steps`` steps at the paper's batch sizes on a synthetic 256² corpus,
loads the run folder back, and times parallel against progressive DDIM sampling of ``--frames``
frames. It checks that the paper-scale code paths run and what they cost, not output quality.

    python benchmarks/bench_paper_scale.py [--train-steps 3] [--ddim-steps 25] [--out results/bench/paper_scale.json]

On a machine without a GPU it runs on the CPU, where the paper-size networks take hours: use a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sampling import sync, time_sampling

# The official architectures of the paper preset's pretrained towers (random weights here).
SD_VAE = {  # stabilityai/sd-vae-ft-mse
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D"] * 4,
    "up_block_types": ["UpDecoderBlock2D"] * 4,
    "block_out_channels": [128, 256, 512, 512],
    "layers_per_block": 2,
    "act_fn": "silu",
    "latent_channels": 4,
    "norm_num_groups": 32,
    "sample_size": 256,
    "scaling_factor": 0.18215,
}
CLIP_L14 = {  # openai/clip-vit-large-patch14
    "projection_dim": 768,
    "text_config": {
        "hidden_size": 768,
        "intermediate_size": 3072,
        "num_attention_heads": 12,
        "num_hidden_layers": 12,
        "max_position_embeddings": 77,
        "vocab_size": 49408,
        "projection_dim": 768,
    },
    "vision_config": {
        "hidden_size": 1024,
        "intermediate_size": 4096,
        "num_attention_heads": 16,
        "num_hidden_layers": 24,
        "image_size": 224,
        "patch_size": 14,
        "projection_dim": 768,
    },
}
WAV2VEC_BASE: dict = {}  # facebook/wav2vec2-base-960h: Wav2Vec2Config's defaults are the base model


def _peak_gib(device: torch.device) -> float | None:
    return round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-steps", type=int, default=3, help="steps of every training stage")
    parser.add_argument("--ddim-steps", type=int, default=25, help="DDIM steps of both sampling modes")
    parser.add_argument("--frames", type=int, default=75)
    parser.add_argument("--out", type=Path, default=Path("results/bench/paper_scale.json"))
    parser.add_argument("--preset", choices=("paper", "tiny"), default="paper", help="tiny: a quick run of this script")
    args = parser.parse_args()

    from eatface.configuration import get_preset
    from eatface.data import TrainingCorpus
    from eatface.pipeline_eatface import EATFacePipeline
    from eatface.training import stages_for, train_stage

    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    config = get_preset(args.preset)
    if args.preset == "paper":
        config = config.replace(vae=dict(SD_VAE), clip=json.loads(json.dumps(CLIP_L14)), wav2vec=WAV2VEC_BASE)
    corpus = TrainingCorpus.synthetic(num_clips=16, frames=16, resolution=config.resolution)
    result: dict = {
        "preset": f"{args.preset} (random towers of the official architectures)" if args.preset == "paper" else "tiny",
        "resolution": config.resolution,
        "latent_size": config.latent_size,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor() or "cpu",
        "torch": torch.__version__,
        "dtype": "float32",
        "stages": {},
    }
    with tempfile.TemporaryDirectory(prefix="eatface-paper-") as tmp:
        run = Path(tmp) / "run"
        for stage in stages_for(config):
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            t = time.perf_counter()
            res = train_stage(stage, config, corpus, run, steps=args.train_steps, progress=False)
            sync(device)
            result["stages"][stage] = {
                "steps": res.steps,
                "batch_size": config.stages[stage].batch_size,
                "seconds_incl_caches": round(time.perf_counter() - t, 2),
                "losses": [round(x, 5) for x in res.losses],
                "peak_gpu_gib": _peak_gib(device),
            }
            print(stage, json.dumps(result["stages"][stage]), flush=True)
            # Resume state only (the optimiser's moments: ~15 GB for the fine-tune stage): not needed here.
            shutil.rmtree(run / "checkpoints" / stage, ignore_errors=True)
            _write(args.out, result)  # what is done so far, should a later step fail

        pipe = EATFacePipeline.from_pretrained(str(run)).to(device)
        pipe.set_progress_bar_config(disable=True)
        result["parameters_m"] = {
            name: round(sum(p.numel() for p in m.parameters()) / 1e6, 1)
            for name, m in pipe.components.items()
            if isinstance(m, torch.nn.Module)
        }
        rng = np.random.default_rng(0)
        image = rng.integers(0, 255, (config.resolution, config.resolution, 3), dtype=np.uint8)
        audio = rng.normal(0, 0.1, args.frames * 640).astype(np.float32)

        def sample(mode: str) -> float:
            return time_sampling(pipe, image, audio, mode, args.ddim_steps, device)

        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        sample("parallel")  # warm-up
        parallel = min(sample("parallel") for _ in range(2))
        progressive = sample("progressive")
        result["sampling"] = {
            "frames": args.frames,
            "ddim_steps": args.ddim_steps,
            "parallel_s": round(parallel, 3),
            "progressive_s": round(progressive, 3),
            "speedup": round(progressive / parallel, 2),
            "peak_gpu_gib": _peak_gib(device),
        }
    print(json.dumps(result["sampling"]), flush=True)
    _write(args.out, result)


def _write(path: Path, result: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
