"""Start-up cost of ``eatbench metrics compute``: PSNR alone on a 2 s clip, the whole command as a user runs it.

Not a test. It writes a 2 s clip (50 frames of 256², 25 fps, with audio) and a degraded copy as lossless
files, then runs ``eatbench metrics compute --gen ... --ref ... -m psnr --json`` ``--repeats`` times as a
fresh process and records each run's wall time and CPU time (the child's user + system). The goal
(issue 17) is ≤ 3 s wall: the command imports only what the requested metrics need (no SciPy, torch or
ONNX Runtime for PSNR). The 15 slowest imports of one extra run (``python -X importtime``) are recorded
too, to show where the remaining start-up goes. The machine is shared: the load average at the start
is recorded, and the CPU time is the steadier figure.

Usage:
    python benchmarks/bench_startup.py [--repeats 5] [--out results/bench/startup.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

GOAL_WALL_S = 3.0


def write_clip(folder: Path, seconds: float = 2.0, size: int = 256) -> tuple[Path, Path]:
    """A smooth synthetic clip with noise audio, and a copy with added noise (the "generated" video)."""
    from eatbench.io import Audio, write_video

    rng = np.random.default_rng(0)
    n = round(seconds * 25)
    yy, xx = np.mgrid[0:size, 0:size]
    frames = np.stack([(128 + 100 * np.sin((xx + 3 * t) / 17.0) * np.cos(yy / 23.0)) for t in range(n)])
    gt = np.repeat(frames[..., None], 3, axis=-1).clip(0, 255).astype(np.uint8)
    gen = (gt.astype(np.int16) + rng.integers(-6, 7, gt.shape)).clip(0, 255).astype(np.uint8)
    audio = Audio.from_int16((rng.standard_normal(n * 640) * 3000).astype(np.int16))
    write_video(folder / "gt.mkv", gt, 25, audio)
    write_video(folder / "gen.mkv", gen, 25, audio)
    return folder / "gen.mkv", folder / "gt.mkv"


def eatbench_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m eatbench.cli``."""
    script = Path(sys.executable).with_name("eatbench")
    return [str(script)] if script.exists() else [sys.executable, "-m", "eatbench.cli"]


def timed_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, the child's CPU seconds, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def slowest_imports(args: list[str], env: dict[str, str], top: int = 15) -> list[dict[str, float | str]]:
    """The top-level imports with the largest cumulative time (``-X importtime``), in seconds."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "eatbench.cli", *args], env=env, capture_output=True, text=True
    )
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)  # only unindented names: top level
        if m:
            rows.append({"module": m.group(2), "cumulative_s": int(m.group(1)) / 1e6})
    return sorted(rows, key=lambda r: -r["cumulative_s"])[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("results/bench/startup.json"))
    args = parser.parse_args()
    if args.repeats < 1:
        raise SystemExit(f"--repeats {args.repeats}: must be at least 1")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    tmp = Path(tempfile.mkdtemp(prefix="eatbench-startup-"))
    try:
        gen, gt = write_clip(tmp)
        cli_args = ["metrics", "compute", "--gen", str(gen), "--ref", str(gt), "-m", "psnr", "--json"]
        load = os.getloadavg()[0]
        runs = [timed_run([*eatbench_command(), *cli_args], env) for _ in range(args.repeats)]
        psnr = json.loads(runs[0][2])["metrics"][0]["value"]
        imports = slowest_imports(cli_args, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    payload = {
        "what": "`eatbench metrics compute -m psnr --json` on a 2 s clip (50 frames, 256x256, lossless, with audio) "
        "and its ground truth, each run a fresh process; wall and CPU seconds (the child's user + system).",
        "command": " ".join(["python", *sys.argv]),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load,
        },
        "psnr": psnr,
        "wall_s": walls,
        "cpu_s": cpus,
        "median_wall_s": float(np.median(walls)),
        "median_cpu_s": float(np.median(cpus)),
        "goal": {"wall_at_most_s": GOAL_WALL_S, "met": float(np.median(walls)) <= GOAL_WALL_S},
        "slowest_top_level_imports": imports,
    }
    print(f"PSNR {psnr:.4f}; wall {np.median(walls):.2f} s (median of {len(walls)}), CPU {np.median(cpus):.2f} s")
    for r in imports[:8]:
        print(f"  import {r['module']:30s} {r['cumulative_s']:.3f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
