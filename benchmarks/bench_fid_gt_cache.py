"""FID for several methods on the same clips, with and without the ground-truth activation cache, in one run.

Not a test. A Table I scores every method on the same ground-truth frames, and FID used to run the
FID-Inception on those frames once per method. With :mod:`eatbench.judges.activation_cache` they run
once. Setup (not timed): random judges in the official formats (:func:`reference_entries.install_random_judges`;
timing only, never a measurement), the first ``--limit`` demo test clips, each method's video through the
output contract, all decoded. Then FID's ``clip_state`` for every method and clip, twice: with the cache
off (``EATBENCH_ACTIVATION_CACHE=0``) and with it on, starting empty (a fresh ``EATBENCH_HOME``). The
merged states' FID must be equal bit for bit; wall and CPU seconds of both passes and their ratio go to
``results/bench/fid_gt_cache.json``.

Usage:
    python benchmarks/bench_fid_gt_cache.py [--limit 4] [--methods ground-truth,static-frame,shifted-audio]
        [--out results/bench/fid_gt_cache.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import clock, machine_info
from reference_entries import install_random_judges


def decoded(limit: int, methods: list[str], workdir: Path) -> dict[str, list[Any]]:
    """Per method, one Sample (generated and ground-truth frames) per clip (not timed)."""
    from eatbench.datasets.registry import get_dataset
    from eatbench.io import read_video
    from eatbench.methods.base import GenerationInput
    from eatbench.methods.contract import run_method
    from eatbench.methods.registry import get_method
    from eatbench.metrics.base import Sample
    from eatbench.preprocess.prepare import prepare_clip

    clips = get_dataset("demo").clips("test")[:limit]
    out: dict[str, list[Any]] = {}
    for name in methods:
        method, samples = get_method(name), []
        for clip in clips:
            path = run_method(
                method, GenerationInput(clip=clip), clip.emotion, 0, workdir / f"{name}.{clip.clip_id}.mkv"
            )
            samples.append(Sample(gen=read_video(path).frames, gt=prepare_clip(clip).frames, clip_id=clip.clip_id))
        out[name] = samples
    return out


def fid_pass(samples: dict[str, list[Any]]) -> tuple[np.ndarray, dict[str, float]]:
    """[wall, CPU] seconds of FID's clip states for every method and clip, and each method's FID."""
    from eatbench.metrics.registry import make_metric

    metric = make_metric("fid", "official")
    t0 = clock()
    states = {name: [metric.clip_state(s) for s in clips] for name, clips in samples.items()}
    seconds = clock() - t0
    return seconds, {name: float(metric.value(metric.merge(st))) for name, st in states.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=4, help="number of demo test clips")
    parser.add_argument("--methods", default="ground-truth,static-frame,shifted-audio")
    parser.add_argument("--out", type=Path, default=Path("results/bench/fid_gt_cache.json"))
    args = parser.parse_args()
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    with tempfile.TemporaryDirectory(prefix="eatbench-bench-") as tmp:
        install_random_judges(Path(tmp, "judges"))
        workdir = Path(tmp, "clips")
        workdir.mkdir()
        samples = decoded(args.limit, methods, workdir)
        machine = machine_info()
        from eatbench.metrics.registry import make_metric

        os.environ["EATBENCH_ACTIVATION_CACHE"] = "0"  # nothing written to the user's cache
        make_metric("fid", "official").clip_state(samples[methods[0]][0])  # load the judge outside both clocks
        off, values_off = fid_pass(samples)
        os.environ["EATBENCH_ACTIVATION_CACHE"] = "1"
        os.environ["EATBENCH_HOME"] = str(Path(tmp, "empty-home"))  # the cache starts empty
        on, values_on = fid_pass(samples)
    if values_on != values_off:
        raise SystemExit(f"FID differs with the cache: {values_on} vs {values_off}")
    frames = sum(len(s.gen) for clips in samples.values() for s in clips)
    payload = {
        "what": "FID clip states for every method and clip, the ground-truth activation cache off and on (starting "
        "empty), in one run; random FID-Inception in the official format (timing only). Seconds wall and CPU.",
        "command": " ".join(["python", *sys.argv]),
        "machine": machine,
        "methods": methods,
        "clips": [s.clip_id for s in samples[methods[0]]],
        "generated_frames": frames,
        "cache_off": {"wall_s": float(off[0]), "cpu_s": float(off[1])},
        "cache_on": {"wall_s": float(on[0]), "cpu_s": float(on[1])},
        "speedup_wall": float(off[0] / on[0]),
        "speedup_cpu": float(off[1] / on[1]),
        "expected_from_counting": 2 * len(methods) / (len(methods) + 1),
        "fid": values_on,
        "identical": True,
    }
    print(
        f"{len(methods)} methods x {len(samples[methods[0]])} clips: cache off {off[0]:.1f} s wall / {off[1]:.1f} s CPU, "
        f"on {on[0]:.1f} / {on[1]:.1f} s: x{payload['speedup_wall']:.2f} wall, x{payload['speedup_cpu']:.2f} CPU "
        f"(Inception runs {2 * len(methods)} -> {len(methods) + 1} per clip); FID identical"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
