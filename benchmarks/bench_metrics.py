"""Time our metric implementations against the reference packages run one after another.

For every entry in :data:`ENTRIES` the same frames go through our function and through the reference
package (scikit-image, cpbd-py312, ...), timed separately; the values must agree within the entry's
tolerance or the run fails. Prints frames per second and the speed-up, and writes
``results/bench/metrics.json``.

Adding a metric is one entry: ``Entry(name, ours(gen, gt) -> per-frame values, reference(gen, gt) ->
per-frame values, rtol)``.

Usage:
    python benchmarks/bench_metrics.py [--frames 100] [--size 256] [--out results/bench/metrics.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Frames = np.ndarray  # (T, H, W, 3) uint8 RGB


@dataclass(frozen=True)
class Entry:
    name: str
    ours: Callable[[Frames, Frames], np.ndarray]  # per-frame values (or one pooled value)
    reference: Callable[[Frames, Frames], np.ndarray]
    rtol: float = 1e-5


# -- our implementations -------------------------------------------------------------------------
def ours_psnr(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.metrics.functional.psnr import psnr

    return psnr(gen, gt)


def ours_ssim(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.metrics.functional.ssim import ssim

    return ssim(gen, gt)


def ours_cpbd(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.metrics.functional.cpbd import cpbd_frames

    return cpbd_frames(gen)


# -- the reference packages, called as a user of them would ----------------------------------------
def ref_psnr(gen: Frames, gt: Frames) -> np.ndarray:
    from skimage.metrics import peak_signal_noise_ratio

    return np.array([peak_signal_noise_ratio(b, a) for a, b in zip(gen, gt, strict=True)])


def ref_ssim(gen: Frames, gt: Frames) -> np.ndarray:
    from skimage.metrics import structural_similarity

    return np.array([structural_similarity(b, a, channel_axis=-1) for a, b in zip(gen, gt, strict=True)])


def ref_cpbd(gen: Frames, gt: Frames) -> np.ndarray:
    import cpbd
    import cv2

    return np.array([cpbd.compute(cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)) for a in gen])


ENTRIES: list[Entry] = [
    Entry("psnr", ours_psnr, ref_psnr, rtol=1e-12),
    Entry("ssim", ours_ssim, ref_ssim, rtol=1e-10),
    Entry("cpbd", ours_cpbd, ref_cpbd, rtol=1e-12),
]


def make_frames(n: int, size: int, seed: int = 0) -> tuple[Frames, Frames]:
    """Deterministic face-crop-sized frames with smooth regions and edges, and a degraded copy."""
    import cv2

    rng = np.random.default_rng(seed)
    gt = np.empty((n, size, size, 3), np.uint8)
    for i in range(n):
        img = cv2.GaussianBlur(rng.integers(0, 256, (size, size, 3), dtype=np.uint8), (0, 0), 1.5 + (i % 4))
        cv2.circle(img, (size // 2 + i % 7, size // 2), size // 4, (230, 180, 150), -1)
        cv2.ellipse(img, (size // 2, 3 * size // 4), (size // 8, size // 20 + i % 5), 0, 0, 360, (120, 30, 40), -1)
        gt[i] = img
    noise = rng.integers(-12, 13, gt.shape)
    gen = np.clip(gt.astype(np.int32) + noise, 0, 255).astype(np.uint8)
    gen = cv2.GaussianBlur(gen.reshape(-1, size, 3), (3, 3), 0).reshape(gt.shape)
    return gen, gt


def timed(fn: Callable[[Frames, Frames], np.ndarray], gen: Frames, gt: Frames) -> tuple[np.ndarray, float]:
    t0 = time.perf_counter()
    out = np.asarray(fn(gen, gt), np.float64)
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--only", default=None, help="comma-separated entry names")
    parser.add_argument("--out", type=Path, default=Path("results/bench/metrics.json"))
    args = parser.parse_args()

    gen, gt = make_frames(args.frames, args.size)
    wanted = set(args.only.split(",")) if args.only else None
    rows = []
    for e in ENTRIES:
        if wanted and e.name not in wanted:
            continue
        e.ours(gen[:2], gt[:2])  # warm-up: imports and first-call costs are not part of the rate
        e.reference(gen[:2], gt[:2])
        ours, t_ours = timed(e.ours, gen, gt)
        ref, t_ref = timed(e.reference, gen, gt)
        max_rel = float(np.max(np.abs(ours - ref) / np.maximum(np.abs(ref), 1e-300))) if len(ref) else 0.0
        if not np.allclose(ours, ref, rtol=e.rtol, atol=0):
            raise SystemExit(f"{e.name}: values differ from the reference (max relative difference {max_rel:.3g})")
        rows.append(
            {
                "metric": e.name,
                "frames": len(gen),
                "ours_s": t_ours,
                "reference_s": t_ref,
                "ours_fps": len(gen) / t_ours,
                "reference_fps": len(gen) / t_ref,
                "speedup": t_ref / t_ours,
                "max_relative_difference": max_rel,
                "rtol": e.rtol,
            }
        )
        r = rows[-1]
        print(
            f"{e.name:8s} ours {r['ours_fps']:9.1f} fps   reference {r['reference_fps']:9.1f} fps   "
            f"x{r['speedup']:.2f}   max rel diff {max_rel:.2e}"
        )
    total_ours = sum(r["ours_s"] for r in rows)
    total_ref = sum(r["reference_s"] for r in rows)
    summary = {"ours_s": total_ours, "reference_s": total_ref, "speedup": total_ref / total_ours if rows else None}
    print(f"{'all':8s} ours {total_ours:.2f} s   reference {total_ref:.2f} s   x{summary['speedup']:.2f}")
    payload = {
        "frames": args.frames,
        "size": args.size,
        "machine": {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()},
        "metrics": rows,
        "total": summary,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
