"""Wall time of one ``eatbench generate --method eatface`` and where it goes.

Not a test. Each repeat runs in a fresh Python process (so imports are cold for Python, warm for the
OS file cache, as for a user's second call) the CLI's own ``generate`` command on a face image and a
speech file, and splits the process's wall time into:

- ``startup_s``: the interpreter starting, before this script's first line;
- ``imports_s``: importing the CLI (``eatbench.cli``) and the EAT-Face pipeline module (torch, diffusers);
- ``model_load_s``: ``EATFacePipeline.from_pretrained`` (the weights folder);
- ``mediapipe_s``: the face crop and the Face Mesh of the reference image (MediaPipe);
- ``sampling_s``: the pipeline call (audio features, VAE, parallel DDIM, interpolation);
- ``other_s``: the rest (audio decoding, video encoding, checks);

and records ``cpu_s``, the process's CPU time (user + system, all threads): on a busy shared machine
the wall time says little, and ``cpu_s`` / 2 bounds what two idle cores could do.

The phases are timed by wrapping the functions the command calls (the command itself is not
changed). The goal (issue 14) is a 3 s clip in ≤ 10 s wall on an idle 2-core machine.

    python benchmarks/bench_generate.py --image face.png --audio speech.wav [--weights DIR]
        [--repeats 3] [--out results/bench/generate.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PHASES = ("startup_s", "imports_s", "model_load_s", "mediapipe_s", "sampling_s", "other_s")


def child(image: str, audio: str, weights: str | None, out: str, started: float) -> dict[str, float]:
    """Run ``eatbench generate`` in this process; return its phase times (seconds)."""
    t0 = time.perf_counter()
    from eatbench.cli import app  # the CLI's import cost
    from eatface.pipeline_eatface import EATFacePipeline

    imports = time.perf_counter() - t0
    spent = {"model_load_s": 0.0, "mediapipe_s": 0.0, "sampling_s": 0.0}

    def timed(owner: object, attr: str, phase: str, static: bool = False) -> None:
        fn = getattr(owner, attr)

        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - t

        setattr(owner, attr, classmethod(lambda cls, *a, **k: wrapper(*a, **k)) if static else wrapper)

    import eatbench.methods.inputs as inputs
    import eatbench.preprocess.mediapipe_face as mediapipe_face

    timed(EATFacePipeline, "from_pretrained", "model_load_s", static=True)
    timed(EATFacePipeline, "__call__", "sampling_s")
    timed(mediapipe_face, "face_mesh", "mediapipe_s")
    timed(inputs, "read_face_image", "mediapipe_s")  # face detection and the crop of the image

    args = ["generate", "--method", "eatface", "--image", image, "--audio", audio, "--out", out]
    args += ["--emotion", "happy"] + (["--weights", weights] if weights else [])
    t1 = time.perf_counter()
    try:
        app(args, standalone_mode=False)
    except SystemExit as err:
        if err.code:
            raise
    command = time.perf_counter() - t1
    return {
        "startup_s": started,
        "imports_s": imports,
        **spent,
        "other_s": command - sum(spent.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", required=True)
    parser.add_argument("--audio", required=True)
    parser.add_argument("--weights", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None, help="write the figures as JSON here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--video", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        started = time.time() - args.launched
        print(json.dumps(child(args.image, args.audio, args.weights, args.video, started)))
        return

    import soundfile as sf

    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        for r in range(args.repeats):
            cmd = [sys.executable, __file__, "--child", "--image", args.image, "--audio", args.audio]
            cmd += ["--video", str(Path(tmp) / f"out{r}.mp4"), "--launched", repr(time.time())]
            cmd += ["--weights", args.weights] if args.weights else []
            t, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu_s = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
            if done.returncode:
                sys.exit(f"generate failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            phases = json.loads(done.stdout.strip().splitlines()[-1])
            runs.append(
                {"wall_s": round(wall, 2), "cpu_s": round(cpu_s, 2), **{k: round(v, 2) for k, v in phases.items()}}
            )
            print(json.dumps(runs[-1]), flush=True)
    best = min(runs, key=lambda run: run["wall_s"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    result = {
        "audio_seconds": round(sf.info(args.audio).duration, 2),
        "weights": args.weights or "shipped (eatface/weights/tiny)",
        "best": best,
        "runs": runs,
        "goal_wall_s": 10.0,
        "machine": f"{platform.machine()} {os.cpu_count()} CPUs, load average {load:.1f}",
    }
    print(json.dumps(result, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
