"""How much lip sync can the demo SyncNet see at the tiny preset's resolution? Ground truth, degraded.

The tiny EAT-Face makes 64² frames that the benchmark resizes to its 256² crop (bicubic). This scores
the *ground-truth* frames of validation clips (never test clips) with the demo judges' LSE-D / LSE-C
after the same round trip through a smaller size (256 → s → 256, bicubic both ways, s in ``--sizes``),
and with their mouth frozen (the reference frame's lower half pasted on every frame: lips that never
move) as the floor. If ground truth at 64² already scores far from the 256² value, the tiny preset's
lip-sync target is bounded by its resolution, not by its audio path.

Usage::

    python benchmarks/lse_resolution_probe.py --limit 8 --out results/bench/lse_resolution_probe.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def round_trip(frames: np.ndarray, size: int) -> np.ndarray:
    """``frames`` (T, 256, 256, 3) uint8 down to ``size``² and back, bicubic both ways (torch, as the method)."""
    import torch
    import torch.nn.functional as F

    x = torch.from_numpy(frames).permute(0, 3, 1, 2).float()
    small = F.interpolate(x, size=(size, size), mode="bicubic", align_corners=False, antialias=True)
    back = F.interpolate(small, size=frames.shape[1:3], mode="bicubic", align_corners=False)
    return back.round().clamp(0, 255).byte().permute(0, 2, 3, 1).numpy()


def frozen_mouth(frames: np.ndarray, reference_index: int) -> np.ndarray:
    """Every frame with the reference frame's lower half: the face moves, the lips never do."""
    out = frames.copy()
    h = frames.shape[1]
    out[:, h // 2 :] = frames[reference_index, h // 2 :]
    return out


def main() -> None:
    from eatbench.clip import balanced_subset
    from eatbench.datasets.registry import get_dataset
    from eatbench.metrics.base import Sample
    from eatbench.metrics.lse import sync_scores
    from eatbench.preprocess.prepare import prepare_clip

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="val")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 64])
    parser.add_argument("--out", type=Path, default=Path("results/bench/lse_resolution_probe.json"))
    args = parser.parse_args()
    if args.split == "test":
        raise SystemExit("--split test: this probe informs choices, so it reads validation clips")
    clips = balanced_subset(get_dataset("demo").clips(args.split), args.limit)
    variants = ["256 (as recorded)", *(f"{s} -> 256" for s in args.sizes), "mouth frozen (256)"]
    scores: dict[str, list[tuple[float, float, int]]] = {v: [] for v in variants}
    for clip in clips:
        p = prepare_clip(clip)
        audio = p.audio.int16
        versions = [p.frames, *(round_trip(p.frames, s) for s in args.sizes), frozen_mouth(p.frames, p.reference_index)]
        for name, frames in zip(variants, versions, strict=True):
            r = sync_scores(Sample(gen=frames, audio=audio, clip_id=clip.clip_id), "demo")
            scores[name].append((float(r.lse_d), float(r.lse_c), int(r.offset)))
        print(clip.clip_id, {v: scores[v][-1] for v in variants}, flush=True)
    report = {
        "command": f"python benchmarks/lse_resolution_probe.py --split {args.split} --limit {args.limit} "
        f"--sizes {' '.join(map(str, args.sizes))}",
        "split": args.split,
        "clips": [c.clip_id for c in clips],
        "judges": "demo SyncNet (eatbench train sync-judge), LSE protocol of syncnet_python, vshift 15",
        "mean": {
            v: {
                "lse-d": float(np.mean([s[0] for s in scores[v]])),
                "lse-c": float(np.mean([s[1] for s in scores[v]])),
                "offset_0": sum(s[2] == 0 for s in scores[v]),
            }
            for v in variants
        },
        "per_clip": {v: scores[v] for v in variants},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["mean"], indent=2))


if __name__ == "__main__":
    main()
