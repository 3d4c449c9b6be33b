"""EAT-Face sampling in half precision on a GPU: fp32 against bf16/fp16 autocast + SDPA + channels_last + a compiled UNet.

Not a test. It builds a pipeline (``--preset paper``: the paper preset with random towers of the official
architectures, as bench_paper_scale.py; ``tiny``: the CPU preset), adds an Emotion ControlNet, and samples
``--frames`` frames (default 75, 3 s) with DDIM-``--ddim-steps`` in parallel mode, from the same noise,
once per setting:

1. ``fp32``: the reference output and time (TF32 off, torch's default);
2. each of ``--dtypes`` (``bf16``, ``fp16``): ``torch.autocast`` around the pipeline call, the UNet and
   ControlNet in ``channels_last``, SDPA attention (diffusers' ``AttnProcessor2_0``, checked), and with
   ``--compile`` the UNet and ControlNet compiled in place (``nn.Module.compile``; the first call, which
   compiles, is a warm-up outside the clock).

For each setting: the best of ``--repeats`` timed calls after a warm-up (synchronised), frames per
second, the peak GPU memory, and the PSNR of its frames against the fp32 frames (issue 17's goal on an
H200: ≥ 25 fps at a PSNR ≥ 35 dB from the fp32 output; 7.14 s, 10.5 fps, in fp32). The weights are random:
speed does not depend on them, and the PSNR measures what the lower precision changes on these weights.

On a machine without a GPU, ``--device cpu --preset tiny`` runs the same code path (bf16 autocast on the
CPU, no compile by default): tests/benchmarks/test_bench_half_precision.py runs it, so the script is ready
for a session with the accelerator.

Usage:
    python benchmarks/bench_half_precision.py --device cuda --preset paper --compile \
        [--dtypes bf16,fp16] [--out results/bench/half_precision_gpu.json]
    python benchmarks/bench_half_precision.py --device cpu --preset tiny --frames 8 --ddim-steps 2 \
        --out results/bench/half_precision_cpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sampling import sync

DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}
GOALS = {"fps_at_least": 25.0, "psnr_db_at_least": 35.0}


def build(preset: str, device: torch.device) -> Any:
    """The preset's pipeline with an Emotion ControlNet, on ``device`` (random weights)."""
    from eatface.build import build_pipeline
    from eatface.configuration import get_preset
    from eatface.controlnet import build_controlnet

    config = get_preset(preset)
    if preset == "paper":
        from bench_paper_scale import CLIP_L14, SD_VAE, WAV2VEC_BASE

        config = config.replace(vae=dict(SD_VAE), clip=json.loads(json.dumps(CLIP_L14)), wav2vec=WAV2VEC_BASE)
    pipe = build_pipeline(config)
    pipe.register_modules(controlnet=build_controlnet(pipe.unet, config).eval())
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device)


def attention_processors(pipe: Any) -> list[str]:
    """The distinct attention processor classes of the UNet and ControlNet."""
    names = set()
    for module in (pipe.unet, pipe.controlnet):
        names.update(type(p).__name__ for p in module.attn_processors.values())
    return sorted(names)


def optimise(pipe: Any, compile_unet: bool) -> list[str]:
    """SDPA attention, channels_last, optionally compiled; returns the attention processors in use."""
    from diffusers.models.attention_processor import AttnProcessor2_0

    for module in (pipe.unet, pipe.controlnet):
        if any(type(p).__name__ == "AttnProcessor" for p in module.attn_processors.values()):
            module.set_attn_processor(AttnProcessor2_0())  # the math path -> torch's SDPA kernels
        module.to(memory_format=torch.channels_last)
        if compile_unet:
            module.compile(mode="max-autotune-no-cudagraphs", dynamic=False)
    return attention_processors(pipe)


def sample(
    pipe: Any, image: np.ndarray, audio: np.ndarray, steps: int, device: torch.device, dtype: torch.dtype | None
) -> tuple[np.ndarray, float]:
    """The frames of one parallel sampling call from a fixed seed, and its seconds (synchronised)."""
    frames = len(audio) // 640
    sync(device)
    t = time.perf_counter()
    with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
        out = pipe(
            image,
            audio,
            "happy",
            num_inference_steps=steps,
            sampling="parallel",
            batch_size=frames,
            generator=torch.Generator().manual_seed(0),
        ).frames
    sync(device)
    return out, time.perf_counter() - t


def psnr_db(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR of two uint8 videos over all their pixels (inf when identical)."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))


def timed(fn, repeats: int, warmups: int = 1) -> tuple[np.ndarray, list[float]]:
    """``warmups`` calls (compiles, caches), then ``repeats`` timed calls; the last frames and every time."""
    for _ in range(warmups):
        fn()
    times = []
    for _ in range(repeats):
        frames, seconds = fn()
        times.append(seconds)
    return frames, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=("paper", "tiny"), default="paper")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--frames", type=int, default=75)
    parser.add_argument("--ddim-steps", type=int, default=25)
    parser.add_argument("--dtypes", default="bf16,fp16", help="comma-separated: bf16, fp16")
    parser.add_argument("--compile", action="store_true", help="compile the UNet and ControlNet (nn.Module.compile)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmups", type=int, default=1, help="untimed calls first (the compile happens there)")
    parser.add_argument("--out", type=Path, default=Path("results/bench/half_precision_gpu.json"))
    args = parser.parse_args()
    dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    unknown = [d for d in dtypes if d not in DTYPES]
    if unknown:
        raise SystemExit(f"--dtypes: unknown {', '.join(unknown)} (choose from {', '.join(DTYPES)})")
    if args.frames < 1 or args.ddim_steps < 1 or args.repeats < 1 or args.warmups < 0:
        raise SystemExit("--frames, --ddim-steps and --repeats must be at least 1, --warmups at least 0")
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device here (use --device cpu --preset tiny for the CPU path)")

    # 1. The pipeline and inputs (random weights; the same noise for every setting)
    pipe = build(args.preset, device)
    size = pipe.resolution
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (size, size, 3), dtype=np.uint8)
    audio = rng.normal(0, 0.1, args.frames * 640).astype(np.float32)

    def peak_reset() -> None:
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)

    def peak_gib() -> float | None:
        return round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if device.type == "cuda" else None

    # 2. fp32: the reference frames and time
    peak_reset()
    ref, times = timed(lambda: sample(pipe, image, audio, args.ddim_steps, device, None), args.repeats, args.warmups)
    rows: dict[str, dict[str, Any]] = {
        "fp32": {
            "seconds": round(min(times), 3),
            "all_seconds": [round(t, 3) for t in times],
            "fps": round(args.frames / min(times), 2),
            "peak_gpu_gib": peak_gib(),
            "attention": attention_processors(pipe),
        }
    }

    # 3. Half precision with the optimisations, each against the fp32 frames
    processors = optimise(pipe, args.compile)
    for name in dtypes:
        peak_reset()
        frames, times = timed(
            lambda name=name: sample(pipe, image, audio, args.ddim_steps, device, DTYPES[name]),
            args.repeats,
            args.warmups,
        )
        best = min(times)
        rows[f"{name}+sdpa+channels_last" + ("+compile" if args.compile else "")] = {
            "seconds": round(best, 3),
            "all_seconds": [round(t, 3) for t in times],
            "fps": round(args.frames / best, 2),
            "speedup_vs_fp32": round(rows["fp32"]["seconds"] / best, 2),
            "psnr_vs_fp32_db": round(psnr_db(frames, ref), 2),
            "peak_gpu_gib": peak_gib(),
            "attention": processors,
            "meets_goals": bool(
                args.frames / best >= GOALS["fps_at_least"] and psnr_db(frames, ref) >= GOALS["psnr_db_at_least"]
            ),
        }
        print(name, json.dumps(rows[list(rows)[-1]]), flush=True)

    result = {
        "what": f"EAT-Face {args.preset} preset (random weights), {args.frames} frames, DDIM-{args.ddim_steps}, "
        "parallel sampling: fp32 vs autocast half precision with SDPA, channels_last"
        + (" and compiled UNet/ControlNet" if args.compile else "")
        + "; best of the timed calls after a warm-up.",
        "command": " ".join(["python", *sys.argv]),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({os.cpu_count()} CPUs)",
        "machine": f"{platform.machine()}, load average {os.getloadavg()[0]:.1f}",
        "torch": torch.__version__,
        "goals": GOALS if device.type == "cuda" else "the GPU goals apply to --device cuda --preset paper only",
        "settings": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
