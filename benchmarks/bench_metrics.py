"""Time the full Table-I metric set on demo clips: eatbench against the reference packages run one after another.

Setup (not timed): the random judges are installed in the official formats and names
(:func:`reference_entries.install_random_judges`; real ones cannot be downloaded here, so the numbers are
timings and an equivalence check, never a measurement); the first ``--limit`` clips of the demo test
split are prepared (cached), and for each one the generated video (``--method``, default
``static-frame``, through the output-contract wrapper), the ground-truth crop video and the source image
are written as lossless files.

Then, in one run:

1. **ours**: each clip's files are decoded once into one :class:`~eatbench.metrics.base.Sample`, and
   PSNR, SSIM, CPBD, LPIPS, FID, LSE-D, LSE-C and CSIM run on it through the metric registry
   (``score_sample``; batched networks, one SyncNet pass for LSE-D and LSE-C, crops and landmarks shared
   through ``sample.cache``); states are merged over the clips and turned into the dataset values;
2. **reference**: scikit-image (PSNR and SSIM in one script, as EAT's ``test_psnr_ssim.py``),
   cpbd-py312, lpips, pytorch-fid, syncnet-python and insightface, one after another, each decoding the
   files it needs and computing the dataset value its users would;
3. every dataset value and per-clip value is compared at the tolerance of the metric's equivalence test
   (tests/metrics); a difference fails the run.

On our side the seconds spent inside ONNX Runtime (every judge network: FID-Inception, AlexNet, SyncNet,
ArcFace) are also counted per metric (:class:`measure.NetworkClock`). The reference's CPU time over that
network time (``ceiling_cpu``; for FID's goal and the suite, plus our Fréchet distance, the same SciPy call
as the reference's) is the largest speed-up that removing *all* other work could give while the
same network runs on every frame, the bound on what a CPU can reach with identical numbers.

The ground-truth activation cache (:mod:`eatbench.judges.activation_cache`) is off: one method is scored,
and every network runs on every frame as in the reference (``bench_fid_gt_cache.py`` measures the cache
over several methods).

FID's Fréchet distance (a 2048-d matrix square root, the same SciPy call on both sides) is timed apart,
and the overall speed-up is given with and without it. The goals of issue 17 are checked on CPU time
(``goal``: every metric ≥ 3x its reference, the suite ≥ 10x) and FID's memory (``memory``: the process's
peak resident memory while FID ran, and its rise above the memory resident before, Linux ``clear_refs``). Results, with machine information, go to
``results/bench/metrics.json``.

Usage:
    HF_HUB_OFFLINE=1 python benchmarks/bench_metrics.py [--limit 8] [--method static-frame]
        [--out results/bench/metrics.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import NetworkClock, clock, machine_info, peak_mib, reset_peak
from reference_entries import install_random_judges, run_reference

TABLE_I = ("psnr", "ssim", "cpbd", "lpips", "fid", "lse-d", "lse-c", "csim")

# Relative tolerances of the equivalence tests in tests/metrics (LSE-C: a difference of two float32 means,
# compared with an absolute term of 1e-5·LSE-D as in test_lse.py).
RTOL = {
    "psnr": 1e-12,
    "ssim": 1e-10,
    "cpbd": 1e-12,
    "lpips": 1e-5,
    "fid": 1e-5,
    "lse-d": 1e-5,
    "lse-c": 1e-5,
    "csim": 1e-5,
}


# Issue 17's targets, CPU time: every metric (LSE-D and LSE-C together, as one SyncNet pass) at least 3x its
# reference, the whole suite at least 10x, and FID's peak memory not above the reference's.
GOAL_PER_METRIC, GOAL_SUITE = 3.0, 10.0


@dataclass(frozen=True)
class Item:
    """One benchmark clip as files: the generated video (with the clip's audio), the GT crop, the source."""

    clip_id: str
    gen: Path
    gt: Path
    source: Path
    frames: int


# ------------------------------------------------------------------------------------------------ setup
def build_items(limit: int, method_name: str, workdir: Path) -> list[Item]:
    """Prepare the first ``limit`` demo test clips and write their files (not timed)."""
    import cv2

    from eatbench.datasets.registry import get_dataset
    from eatbench.io import write_video
    from eatbench.methods.base import GenerationInput
    from eatbench.methods.contract import run_method
    from eatbench.methods.registry import get_method
    from eatbench.preprocess.prepare import prepare_clip

    method = get_method(method_name)
    items = []
    for clip in get_dataset("demo").clips("test")[:limit]:
        prepared = prepare_clip(clip)
        gen = run_method(method, GenerationInput(clip=clip), clip.emotion, 0, workdir / f"{clip.clip_id}.gen.mkv")
        gt = workdir / f"{clip.clip_id}.gt.mkv"
        write_video(gt, prepared.frames, 25, prepared.audio)
        source = workdir / f"{clip.clip_id}.source.png"
        cv2.imwrite(str(source), prepared.reference[:, :, ::-1])
        items.append(Item(clip.clip_id, gen, gt, source, len(prepared.frames)))
    return items


# ------------------------------------------------------------------------------------------------- ours
def run_ours(items: list[Item]) -> dict[str, Any]:
    """Decode once per clip, score all Table-I metrics on one Sample, merge over clips."""
    import cv2

    from eatbench.io import read_audio, read_video
    from eatbench.metrics.registry import make_metric

    metrics = [make_metric(name, "official") for name in TABLE_I]
    seconds = {k: np.zeros(2) for k in [*TABLE_I, "decode", "fid-distance"]}  # [wall, cpu]
    states: dict[str, list[dict[str, Any]]] = {m.name: [] for m in metrics}
    per_clip: dict[str, dict[str, float]] = {m.name: {} for m in metrics}
    memory: dict[str, float] = {}
    networks = NetworkClock()  # the seconds inside ONNX Runtime (the judge networks), per metric
    for it in items:
        from eatbench.metrics.base import Sample

        t0 = clock()
        src = cv2.imread(str(it.source), cv2.IMREAD_COLOR)[:, :, ::-1]
        sample = Sample(
            gen=read_video(it.gen).frames,
            gt=read_video(it.gt).frames,
            source=np.ascontiguousarray(src),
            audio=read_audio(it.gen).int16,
            clip_id=it.clip_id,
        )
        seconds["decode"] += clock() - t0
        for m in metrics:  # what score_sample does, with a clock around each metric
            start = reset_peak() if m.name == "fid" else 0.0
            t0 = clock()
            with networks:
                networks.label = m.name
                state = m.clip_state(sample)
            seconds[m.name] += clock() - t0
            if m.name == "fid":  # the process's peak while FID ran, and its rise above the resident memory before
                memory["fid_peak_mib"] = max(memory.get("fid_peak_mib", 0.0), peak_mib())
                memory["fid_rise_mib"] = max(memory.get("fid_rise_mib", 0.0), peak_mib() - start)
            states[m.name].append(state)
            if not m.pooled:
                per_clip[m.name][it.clip_id] = float(m.value(state))
    values, merged = {}, {}
    for m in metrics:
        t0 = clock()
        merged[m.name] = m.merge(states[m.name])
        values[m.name] = float(m.value(merged[m.name]))
        seconds["fid-distance" if m.pooled else m.name] += clock() - t0
    # Not part of the run: the same distance through FID's faster setting (sqrtm="eigh"), for the record.
    t0 = clock()
    eigh = float(make_metric("fid", "official", sqrtm="eigh").value(merged["fid"]))
    extra = {"fid_eigh": {"value": eigh, "distance_s": clock() - t0}}
    return {
        "values": values,
        "per_clip": per_clip,
        "seconds": seconds,
        "network_seconds": networks.seconds,
        "extra": extra,
        "memory": memory,
    }


# -------------------------------------------------------------------------------------------- comparison
def rel_diff(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def compare(ours: dict[str, Any], ref: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Max relative difference per metric (dataset value and per-clip values); fails past the tolerance."""
    report, bad = {}, []
    for name in TABLE_I:
        o, r = ours["values"][name], ref["values"][name]
        worst = rel_diff(o, r)
        clips_o, clips_r = ours["per_clip"].get(name, {}), ref["per_clip"].get(name, {})
        if set(clips_o) != set(clips_r):
            bad.append(f"{name}: scored clips differ ({sorted(set(clips_o) ^ set(clips_r))})")
        for k in set(clips_o) & set(clips_r):
            worst = max(worst, rel_diff(clips_o[k], clips_r[k]))
        atol = 1e-5 * abs(ref["values"]["lse-d"]) if name == "lse-c" else 0.0
        ok = all(
            abs(x - y) <= atol + RTOL[name] * abs(y)
            for x, y in [(o, r)] + [(clips_o[k], clips_r[k]) for k in set(clips_o) & set(clips_r)]
        )
        report[name] = {"ours": o, "reference": r, "max_relative_difference": worst, "rtol": RTOL[name]}
        if not ok:
            bad.append(f"{name}: ours {o!r} vs reference {r!r} (max relative difference {worst:.3g})")
    if bad:
        raise SystemExit("values differ from the references: " + "; ".join(bad))
    return report


def goals(
    rows: list[dict[str, Any]], total: dict[str, Any], ours_mem: dict[str, float], ref_mem: dict[str, float]
) -> dict[str, Any]:
    """Issue 17's targets against this run's CPU-time ratios (FID with its distance; PSNR and SSIM together, as
    EAT's script computes them in one pass) and FID's memory (its rise above the resident memory before it)."""
    by_step = {r["step"]: r for r in rows}
    per_metric = {}
    for name in ("psnr+ssim", "cpbd", "lpips", "fid", "lse-d+lse-c", "csim"):
        steps = [by_step[name]] + ([by_step["fid-distance"]] if name == "fid" else [])
        ours = sum(r["ours_cpu_s"] for r in steps)
        ref = sum(r["reference_cpu_s"] for r in steps)
        per_metric[name] = {"speedup_cpu": ref / ours, "met": ref / ours >= GOAL_PER_METRIC}
        if "ceiling_cpu" in by_step[name]:  # the reference's CPU time over our judge network's alone
            floor = by_step[name]["ours_network_cpu_s"] + sum(r["ours_cpu_s"] for r in steps[1:])  # + FID's distance
            per_metric[name] |= {"ceiling_cpu": ref / floor, "reachable": ref / floor >= GOAL_PER_METRIC}
    return {
        "per_metric_cpu_at_least": GOAL_PER_METRIC,
        "per_metric_cpu": per_metric,
        "suite_cpu_at_least": GOAL_SUITE,
        "suite_met": total["speedup_cpu"] >= GOAL_SUITE,
        "suite_ceiling_cpu": total["ceiling_cpu"],
        "suite_reachable": total["ceiling_cpu"] >= GOAL_SUITE,
        "fid_memory_met": ours_mem.get("fid_rise_mib", 0.0) <= ref_mem.get("fid_rise_mib", 0.0),
    }


def warm_up(items: list[Item]) -> None:
    """Imports and one-time graph initialisation (not model loading) outside both clocks."""
    import cpbd  # noqa: F401
    import insightface  # noqa: F401
    import lpips  # noqa: F401
    import pytorch_fid.inception  # noqa: F401
    import skimage.metrics  # noqa: F401
    import syncnet_python.SyncNetInstance  # noqa: F401

    from eatbench.io import read_video
    from eatbench.metrics import registry  # noqa: F401
    from eatbench.preprocess.mediapipe_face import face_mesh

    face_mesh(read_video(items[0].gen).frames[:1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=8, help="number of demo test clips")
    parser.add_argument("--method", default="static-frame", help="the method whose videos are scored")
    parser.add_argument("--out", type=Path, default=Path("results/bench/metrics.json"))
    args = parser.parse_args()
    if args.limit < 1:
        raise SystemExit(f"--limit {args.limit}: must be at least 1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Every activation computed afresh, as the reference computes it (bench_fid_gt_cache.py measures the cache).
    os.environ["EATBENCH_ACTIVATION_CACHE"] = "0"

    with tempfile.TemporaryDirectory(prefix="eatbench-bench-") as tmp:
        install_random_judges(Path(tmp, "judges"))
        workdir = Path(tmp, "clips")
        workdir.mkdir()
        items = build_items(args.limit, args.method, workdir)
        warm_up(items)
        machine = machine_info()
        t0 = clock()
        ours = run_ours(items)
        t_ours = clock() - t0
        t0 = clock()
        ref = run_reference(items)
        t_ref = clock() - t0

    equivalence = compare(ours, ref)
    frames = sum(it.frames for it in items)
    fd_ours, fd_ref = ours["seconds"]["fid-distance"], ref["seconds"]["fid-distance"]
    eigh = ours["extra"]["fid_eigh"]
    groups = {  # our per-metric seconds, grouped as the reference scripts are
        "psnr+ssim": ["psnr", "ssim"],
        "cpbd": ["cpbd"],
        "lpips": ["lpips"],
        "fid": ["fid"],
        "fid-distance": ["fid-distance"],
        "lse-d+lse-c": ["lse-d", "lse-c"],
        "csim": ["csim"],
    }

    def pair(ours_s: np.ndarray, ref_s: np.ndarray | None) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for i, clock_name in enumerate(("wall", "cpu")):
            row[f"ours_{clock_name}_s"] = float(ours_s[i])
            if ref_s is not None:
                row[f"reference_{clock_name}_s"] = float(ref_s[i])
                row[f"speedup_{clock_name}"] = float(ref_s[i] / ours_s[i])
        return row

    rows = [
        {"step": g, **pair(sum(ours["seconds"][n] for n in names), ref["seconds"][g])} for g, names in groups.items()
    ]
    for r in rows:  # the judge network alone (inside ONNX Runtime) and the speed-up if nothing else took time
        net = sum((ours["network_seconds"].get(n, np.zeros(2)) for n in groups[r["step"]]), np.zeros(2))
        if net[1] > 0:
            r["ours_network_wall_s"], r["ours_network_cpu_s"] = float(net[0]), float(net[1])
            r["ceiling_cpu"] = r["reference_cpu_s"] / r["ours_network_cpu_s"]
    rows.append({"step": "decode (ours, once per clip)", **pair(ours["seconds"]["decode"], None)})
    network_cpu = sum(r.get("ours_network_cpu_s", 0.0) for r in rows)
    total = {
        "frames": frames,
        **pair(t_ours, t_ref),
        "ours_network_cpu_s": network_cpu,
        # the networks and FID's distance (the same SciPy call on both sides): what no change around them removes
        "ceiling_cpu": float(t_ref[1] / (network_cpu + fd_ours[1])),
        "ours_fps_wall": frames / t_ours[0],
        "reference_fps_wall": frames / t_ref[0],
        "without_fid_distance": pair(t_ours - fd_ours, t_ref - fd_ref),
        "with_fid_sqrtm_eigh": {  # FID(sqrtm="eigh"): the same trace through symmetric eigen-decompositions
            "eigh_distance": pair(eigh["distance_s"], None),
            "relative_difference_to_reference": rel_diff(eigh["value"], ref["values"]["fid"]),
            **pair(t_ours - fd_ours + eigh["distance_s"], t_ref),
        },
    }
    payload = {
        "what": "Table-I metrics (PSNR SSIM CPBD LPIPS FID LSE-D LSE-C CSIM) on demo test clips, "
        "eatbench vs the reference packages run one after another; random judges in the official formats "
        "(timing and equivalence only, not a measurement). Seconds on the wall clock and in CPU time "
        "(process + reaped children, all threads); the machine was shared (see load_average_at_start).",
        "command": " ".join(["python", *sys.argv]),
        "clips": [it.clip_id for it in items],
        "method": args.method,
        "machine": machine,
        "steps": rows,
        "total": total,
        "equivalence": equivalence,
        "memory": {"ours": ours["memory"], "reference": ref["memory"]},
        "goal": goals(rows, total, ours["memory"], ref["memory"]),
    }
    print(f"{'':30s} {'ours wall/cpu s':>18s} {'reference wall/cpu s':>22s} {'speed-up wall/cpu':>18s}")
    for r in [*rows, {"step": "all", **total}, {"step": "all without FID distance", **total["without_fid_distance"]}]:
        ref_s = (
            f"{r['reference_wall_s']:9.1f} /{r['reference_cpu_s']:8.1f}   x{r['speedup_wall']:5.2f} / x{r['speedup_cpu']:5.2f}"
            if "reference_wall_s" in r
            else ""
        )
        print(f"{r['step']:30s} {r['ours_wall_s']:8.1f} /{r['ours_cpu_s']:8.1f}   {ref_s}")
    for name, g in payload["goal"]["per_metric_cpu"].items():
        ceiling = f"; network alone: at most x{g['ceiling_cpu']:5.2f}" if "ceiling_cpu" in g else ""
        print(
            f"  goal {name:12s} x{g['speedup_cpu']:5.2f} CPU (at least x{GOAL_PER_METRIC:g}): "
            f"{'met' if g['met'] else 'NOT met'}{ceiling}"
        )
    g = payload["goal"]
    print(
        f"  goal suite        x{total['speedup_cpu']:5.2f} CPU (at least x{GOAL_SUITE:g}): {g['suite_met']}; "
        f"network alone: at most x{total['ceiling_cpu']:5.2f}"
    )
    print(f"  FID memory: ours {ours['memory']} vs reference {ref['memory']} (MiB): {g['fid_memory_met']}")
    e = total["with_fid_sqrtm_eigh"]
    print(
        f"FID with sqrtm=eigh: distance {e['eigh_distance']['ours_wall_s']:.1f} s, relative difference "
        f"{e['relative_difference_to_reference']:.2e}, overall x{e['speedup_wall']:.2f} / x{e['speedup_cpu']:.2f}"
    )
    for name, e in equivalence.items():
        print(
            f"  {name:6s} ours {e['ours']:.8g}  reference {e['reference']:.8g}  max rel diff {e['max_relative_difference']:.2e}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
