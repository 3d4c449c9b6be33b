"""Sampling speed of EAT-Face (tiny preset): parallel vs progressive, UNet FLOP rate, memory peak.

Not a test. For 75 frames (3 s at 25 fps) it times parallel sampling (one shared z_T, all frames
through the UNet together) and progressive sampling (frame by frame) at the same number of DDIM
steps, in one process; measures this machine's float32 matmul rate; counts the UNet + ControlNet
FLOPs of one parallel step (torch's FlopCounterMode) to get the achieved rate; and records the peak
resident memory. Goals (issue 4): parallel ≥ 8× faster, achieved rate ≥ 30 % of the matmul rate.
``batching_ceiling`` (75 × the one-frame step time / the 75-frame step time) is the speedup batching
alone could give if nothing but the UNet + ControlNet cost time.

    python benchmarks/bench_sampling.py [--steps 10] [--device cpu|cuda] [--out results/bench/sampling.json]

With ``--device cuda`` the times are taken after ``torch.cuda.synchronize`` and the matmul rate is the
GPU's float32 rate (TF32 off, torch's default) on an 8192² product.

The weights are random (a freshly built tiny pipeline): speed does not depend on them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from pathlib import Path

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def sync(device: torch.device) -> None:
    """Wait for the device's queued work (timings on a GPU are otherwise launch times)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_sampling(pipe, image: np.ndarray, audio: np.ndarray, mode: str, steps: int, device: torch.device) -> float:
    """Seconds to sample every frame the audio implies (25 fps) in one batch, ``parallel`` or ``progressive``."""
    frames = len(audio) // 640
    sync(device)
    t = time.perf_counter()
    out = pipe(
        image,
        audio,
        "happy",
        num_inference_steps=steps,
        sampling=mode,
        batch_size=frames,
        generator=torch.Generator().manual_seed(0),
    ).frames
    sync(device)
    assert out.shape == (frames, *image.shape), out.shape
    return time.perf_counter() - t


def matmul_rate(device: torch.device, n: int = 1024, repeats: int = 10) -> float:
    """Best float32 GEMM rate of this machine (or GPU) in FLOP/s (2 n³ per n×n product)."""
    if device.type == "cuda":
        n = 8192  # a GPU needs a large product to reach its rate
    a, b = torch.randn(n, n, device=device), torch.randn(n, n, device=device)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        sync(device)
        t = time.perf_counter()
        torch.mm(a, b)
        sync(device)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="DDIM steps for both modes")
    parser.add_argument("--frames", type=int, default=75)
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats per mode (best is kept)")
    parser.add_argument("--out", type=Path, default=Path("results/bench/sampling.json"))
    parser.add_argument("--device", default="cpu", help="cpu (the issue's goal) or cuda")
    args = parser.parse_args()
    device = torch.device(args.device)

    from torch.utils.flop_counter import FlopCounterMode

    from eatface.build import build_pipeline
    from eatface.configuration import get_preset
    from eatface.controlnet import build_controlnet
    from eatface.unet import predict_noise

    config = get_preset("tiny")
    pipe = build_pipeline(config)
    pipe.register_modules(controlnet=build_controlnet(pipe.unet, config).eval())
    pipe.set_progress_bar_config(disable=True)
    pipe.to(device)
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
    audio = rng.normal(0, 0.1, args.frames * 640).astype(np.float32)

    def run(mode: str) -> float:
        return time_sampling(pipe, image, audio, mode, args.steps, device)

    run("parallel")  # warm-up
    # Interleaved repeats, best of each: on a shared machine the load changes by the second.
    timings: dict[str, list[float]] = {"parallel": [], "progressive": []}
    for _ in range(args.repeats):
        for mode in timings:
            timings[mode].append(run(mode))
    parallel, progressive = min(timings["parallel"]), min(timings["progressive"])

    # The UNet + ControlNet work of one parallel step, and its time alone.
    n, s = args.frames, config.latent_size
    z = torch.randn(n, 4, s, s, device=device)
    c_a = torch.randn(n, 3, config.cross_attention_dim, device=device)
    c_e = torch.randn(n, 4, s, s, device=device)
    t_step = torch.tensor(500)
    with torch.no_grad():
        with FlopCounterMode(display=False) as counter:
            predict_noise(pipe.unet, z, t_step, z, z, c_a, pipe.controlnet, c_e)
        flops = counter.get_total_flops()
        times = []
        for _ in range(5):
            sync(device)
            t = time.perf_counter()
            predict_noise(pipe.unet, z, t_step, z, z, c_a, pipe.controlnet, c_e)
            sync(device)
            times.append(time.perf_counter() - t)
        # The same step for one frame: what progressive sampling pays per frame and step. n × t_1 / t_n
        # is the most batching can give on this machine, before any non-UNet cost.
        one = [x[:1] for x in (z, z, z, c_a, c_e)]
        times1 = []
        for _ in range(20):
            sync(device)
            t = time.perf_counter()
            predict_noise(pipe.unet, one[0], t_step, one[1], one[2], one[3], pipe.controlnet, one[4])
            sync(device)
            times1.append(time.perf_counter() - t)
    step_time, step_time1 = min(times), min(times1)
    peak = matmul_rate(device)
    result = {
        "frames": args.frames,
        "steps": args.steps,
        "preset": "tiny",
        "parallel_s": round(parallel, 3),
        "progressive_s": round(progressive, 3),
        "speedup": round(progressive / parallel, 2),
        "parallel_all_s": [round(x, 3) for x in timings["parallel"]],
        "progressive_all_s": [round(x, 3) for x in timings["progressive"]],
        "speedup_goal": 8.0,
        "unet_controlnet_gflop_per_parallel_step": round(flops / 1e9, 3),
        "unet_controlnet_step_s": round(step_time, 4),
        "unet_controlnet_step_s_one_frame": round(step_time1, 5),
        "batching_ceiling": round(n * step_time1 / step_time, 2),
        "achieved_gflops": round(flops / step_time / 1e9, 2),
        "matmul_fp32_gflops": round(peak / 1e9, 2),
        "fraction_of_matmul_rate": round(flops / step_time / peak, 3),
        "fraction_goal": 0.30,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_gpu_mib": round(torch.cuda.max_memory_allocated(device) / 2**20, 1) if device.type == "cuda" else None,
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch_threads": torch.get_num_threads(),
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        "torch": torch.__version__,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
