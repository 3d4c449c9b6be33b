"""Where the Table-I metrics spend their time: one cProfile per metric over the same clips as bench_metrics.py.

Not a test. The setup is bench_metrics.py's (random judges in the official formats, the first ``--limit``
demo test clips written as lossless files); each clip is decoded once into one Sample, then every
metric's ``clip_state`` runs under its own :class:`cProfile.Profile` and its own clock. The result
(``results/bench/profile_metrics.json``) gives, per metric, the wall and CPU seconds (without the
profiler: a second, unprofiled pass) and the functions with the largest own time in the profiled
pass, as ``package/file.py:line(function)`` (C functions, such as an ONNX Runtime ``run`` or a NumPy
kernel, appear by name, their native threads included in the CPU time). The profiler slows Python-heavy
code more than native code; the unprofiled seconds are the ones to compare.

Usage:
    python benchmarks/profile_metrics.py [--limit 2] [--top 8] [--out results/bench/profile_metrics.json]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_metrics import TABLE_I, Item, build_items, warm_up
from measure import clock, machine_info
from reference_entries import install_random_judges


def short(path: str) -> str:
    """A portable name for a profiled file: from its package folder on (no machine path)."""
    for marker in ("site-packages/", "eatbench/", "benchmarks/"):
        if marker in path:
            tail = path.split(marker, 1)[1]
            return tail if marker == "site-packages/" else marker + tail
    return re.sub(r".*/", "", path)


def top_functions(stats: pstats.Stats, top: int) -> list[dict[str, Any]]:
    """The ``top`` functions by own time: name, own seconds, cumulative seconds, calls."""
    rows = []
    for (file, line, name), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{short(file)}:{line}({name})" if file != "~" else name
        rows.append({"function": where, "own_s": round(own, 3), "cumulative_s": round(cumulative, 3), "calls": calls})
    return sorted(rows, key=lambda r: -r["own_s"])[:top]


def decode(it: Item):
    import cv2

    from eatbench.io import read_audio, read_video
    from eatbench.metrics.base import Sample

    src = cv2.imread(str(it.source), cv2.IMREAD_COLOR)[:, :, ::-1]
    return Sample(
        gen=read_video(it.gen).frames,
        gt=read_video(it.gt).frames,
        source=np.ascontiguousarray(src),
        audio=read_audio(it.gen).int16,
        clip_id=it.clip_id,
    )


def profile(items: list[Item], top: int) -> dict[str, Any]:
    """Per metric: unprofiled seconds (first pass), then the top functions of a profiled pass."""
    from eatbench.metrics.registry import make_metric

    metrics = [make_metric(name, "official") for name in TABLE_I]
    seconds = {m.name: np.zeros(2) for m in metrics} | {"decode": np.zeros(2)}
    samples = []
    for it in items:  # 1. timed, no profiler (fresh samples: nothing cached between metrics but what they share)
        t0 = clock()
        sample = decode(it)
        seconds["decode"] += clock() - t0
        for m in metrics:
            t0 = clock()
            m.clip_state(sample)
            seconds[m.name] += clock() - t0
        samples.append(sample)
    profiles = {m.name: cProfile.Profile() for m in metrics}
    for it in items:  # 2. profiled, on fresh samples again
        sample = decode(it)
        for m in metrics:
            profiles[m.name].enable()
            m.clip_state(sample)
            profiles[m.name].disable()
    total = sum(s[1] for s in seconds.values())
    out = {}
    for name, s in seconds.items():
        row: dict[str, Any] = {"wall_s": round(float(s[0]), 3), "cpu_s": round(float(s[1]), 3)}
        row["share_of_cpu"] = round(float(s[1] / total), 3)
        if name in profiles:
            row["top_functions"] = top_functions(pstats.Stats(profiles[name]), top)
        out[name] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2, help="number of demo test clips")
    parser.add_argument("--method", default="static-frame")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("results/bench/profile_metrics.json"))
    args = parser.parse_args()
    if args.limit < 1:
        raise SystemExit(f"--limit {args.limit}: must be at least 1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Every activation computed afresh, as the reference computes it (bench_fid_gt_cache.py measures the cache).
    os.environ["EATBENCH_ACTIVATION_CACHE"] = "0"
    with tempfile.TemporaryDirectory(prefix="eatbench-profile-") as tmp:
        install_random_judges(Path(tmp, "judges"))
        workdir = Path(tmp, "clips")
        workdir.mkdir()
        items = build_items(args.limit, args.method, workdir)
        warm_up(items)
        machine = machine_info()
        split = profile(items, args.top)
    payload = {
        "what": "Per-metric seconds (wall, CPU) of the Table-I metrics on demo test clips decoded once, and the "
        "functions with the largest own time under cProfile (a second pass); random judges in the official formats.",
        "command": " ".join(["python", *sys.argv]),
        "clips": [it.clip_id for it in items],
        "frames": sum(it.frames for it in items),
        "machine": machine,
        "metrics": split,
    }
    for name, row in sorted(split.items(), key=lambda kv: -kv[1]["cpu_s"]):
        print(f"{name:8s} wall {row['wall_s']:7.2f} s  cpu {row['cpu_s']:7.2f} s  ({100 * row['share_of_cpu']:.0f} %)")
        for f in row.get("top_functions", [])[:4]:
            print(f"           {f['own_s']:7.2f} s own  {f['function']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
