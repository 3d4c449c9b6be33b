"""FID-Inception on one batch through each CPU engine at hand, with the outputs' agreement: is ONNX Runtime the fastest?

Not a test. 50 random 256x256 frames (pytorch-fid's batch; resized to 299 inside the model) through the
FID-Inception structure with random weights, in one process: ONNX Runtime as the judges run it
(:func:`eatbench.judges.inception.onnx_runtime_inception`, torch's thread count), PyTorch eager (NCHW),
PyTorch channels_last, TorchScript traced and frozen, and ONNX Runtime with one thread. Best of
``--repeats`` after one warm-up run, wall and CPU seconds (all threads); each output's largest difference
to ONNX Runtime's, relative to its largest magnitude. Goes to ``results/bench/engines.json``.

Usage:
    python benchmarks/bench_engines.py [--repeats 2] [--out results/bench/engines.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import clock, machine_info


def best_of(fn: Callable[[], torch.Tensor], repeats: int) -> tuple[torch.Tensor, list[float]]:
    """Run once to warm up, then ``repeats`` times; the output and the fastest run's [wall, CPU] seconds."""
    out = fn()
    best = None
    for _ in range(repeats):
        t0 = clock()
        out = fn()
        t = clock() - t0
        best = t if best is None or t[0] < best[0] else best
    return out, [float(best[0]), float(best[1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results/bench/engines.json"))
    args = parser.parse_args()

    from eatbench.judges.inception import FIDInception, build_fid_inception, onnx_runtime_inception

    torch.manual_seed(0)
    net = FIDInception(build_fid_inception().eval()).eval()
    x = torch.rand(50, 3, 256, 256)
    machine = machine_info()
    rows: dict[str, dict[str, Any]] = {}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notices
        ort = onnx_runtime_inception(net)
        ref, t = best_of(lambda: ort(x), args.repeats)
        rows["onnxruntime"] = {"wall_s": t[0], "cpu_s": t[1]}
        engines: dict[str, Callable[[], torch.Tensor]] = {"pytorch eager": lambda: net(x)}
        cl = FIDInception(build_fid_inception().eval()).eval()
        cl.load_state_dict(net.state_dict())
        cl = cl.to(memory_format=torch.channels_last)
        x_cl = x.contiguous(memory_format=torch.channels_last)
        engines["pytorch channels_last"] = lambda: cl(x_cl)
        frozen = torch.jit.freeze(torch.jit.trace(net, x[:2]))
        engines["torchscript frozen"] = lambda: frozen(x)
        for name, fn in engines.items():
            y, t = best_of(fn, args.repeats)
            rows[name] = {"wall_s": t[0], "cpu_s": t[1]}
            rows[name]["max_relative_difference"] = float((y - ref).abs().max() / ref.abs().max())
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        one = onnx_runtime_inception(net)  # its session takes torch's thread count
        y, t = best_of(lambda: one(x), args.repeats)
        torch.set_num_threads(threads)
        rows["onnxruntime, 1 thread"] = {"wall_s": t[0], "cpu_s": t[1]}
        rows["onnxruntime, 1 thread"]["max_relative_difference"] = float((y - ref).abs().max() / ref.abs().max())
    payload = {
        "what": "FID-Inception (random weights) on 50 random 256x256 frames through each CPU engine; best of "
        f"{args.repeats} after a warm-up, wall and CPU seconds (all threads); outputs against ONNX Runtime's.",
        "command": " ".join(["python", *sys.argv]),
        "machine": machine,
        "engines": rows,
    }
    for name, r in rows.items():
        diff = f"  max rel diff {r['max_relative_difference']:.1e}" if "max_relative_difference" in r else ""
        print(f"{name:24s} wall {r['wall_s']:6.2f} s  CPU {r['cpu_s']:6.2f} s{diff}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
