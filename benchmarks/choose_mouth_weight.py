"""Choose the tiny preset's ``tfr_mouth_weight`` on the demo corpus's validation split, never its test clips.

The TFR's noise loss (Eq. 5) may weigh the mouth's latent pixels more than the rest of the face
(``tfr_mouth_weight``; 1 is Eq. 5 as written). This branches one TFR training run:

1. ``BASE`` is a run folder whose TFR has trained some steps (``eatbench train tfr --steps N --out BASE``,
   after ``eatbench train vae --out BASE``), with a checkpoint at its last step.
2. For each candidate weight, BASE is copied to ``BASE-mw<w>`` and its TFR continued to ``--steps`` total
   steps with that weight, all candidates at once, one thread each. They draw the same batches (the
   loop seeds them by step) and the learning rate is constant after warm-up, so only the weight differs,
   and the winner's folder goes on to the preset's step count (``eatbench train all --out BASE-mw<w>``)
   as one uninterrupted run would.
3. Each copy's TFR is scored alone, as the ``w/o-Emo`` variant (``eatbench train all --variant w/o-Emo
   --init-from`` copies it into ``BASE-mw<w>-tfr``; nothing is trained there), by ``eatbench run --split
   val`` on ``--limit`` validation clips with the demo judges: lip sync is what the weight changes.

The lowest LSE-D wins. Every candidate's pooled numbers go to ``--out`` (JSON) with the command.

Usage::

    python benchmarks/choose_mouth_weight.py BASE --weights 1 5 --steps 7500 --limit 8
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

METRICS = ("lse-d", "lse-c", "csim", "psnr")


def candidate_folder(base: Path, weight: float) -> Path:
    return base.with_name(f"{base.name}-mw{weight:g}")


def train_candidate(base: Path, weight: float, steps: int) -> None:
    """Continue a copy of ``base``'s TFR to ``steps`` steps with the mouth weighted ``weight`` (one thread)."""
    import torch

    from eatface.configuration import get_preset
    from eatface.data import TrainingCorpus
    from eatface.training import train_stage

    torch.set_num_threads(1)
    out = candidate_folder(base, weight)
    if not out.exists():
        shutil.copytree(base, out)
    config = get_preset("tiny", tfr_mouth_weight=weight)
    result = train_stage("tfr", config, TrainingCorpus.load(out / "corpus.safetensors"), out, steps=steps)
    print(f"mouth weight {weight:g}: tfr {result.resumed_from} -> {result.steps} steps", flush=True)


def score(run_folder: Path, split: str, limit: int) -> dict[str, float]:
    """Pooled values of ``eatbench run`` on the split (demo judges) for the run folder's videos."""
    from eatbench.store import ResultsStore

    exe = Path(sys.executable).with_name("eatbench")
    tfr_only = run_folder.with_name(run_folder.name + "-tfr")  # its TFR as the w/o-Emo variant (no ControlNet yet)
    init = [str(exe), "train", "all", "--preset", "tiny", "--dataset", "demo", "--variant", "w/o-Emo"]
    subprocess.run([*init, "--init-from", str(run_folder), "--out", str(tfr_only)], check=True)
    cmd = [
        str(exe),
        "run",
        "--method",
        "eatface",
        "--variant",
        "w/o-Emo",
        "--weights",
        str(tfr_only),
        "--dataset",
        "demo",
    ]
    cmd += ["--split", split, "--limit", str(limit), "--profile", "demo", "--metrics", ",".join(METRICS)]
    rc = subprocess.run(cmd).returncode
    if rc not in (0, 1):  # 1: the run finished with some clips failed (their count goes in the report)
        raise SystemExit(f"eatbench run of {run_folder} exited {rc}")
    store = ResultsStore(None, readonly=True)
    newest = store.list_series("demo")[-1]  # the series this run just wrote
    pooled = store.get_pooled(newest.series)
    out = {m: p.value for m, p in pooled.items() if m in METRICS}
    out["lse_offsets"] = pooled["lse-d"].extra.get("offsets", {})
    out["clips_scored"] = pooled["lse-d"].n_clips
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("--weights", type=float, nargs="+", default=[1.0, 5.0])
    parser.add_argument("--steps", type=int, required=True, help="total TFR steps of each candidate")
    parser.add_argument("--split", default="val")
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("results/bench/choose_mouth_weight.json"))
    parser.add_argument("--train-one", type=float, default=None, help=argparse.SUPPRESS)  # a worker process
    args = parser.parse_args()
    if args.train_one is not None:
        train_candidate(args.base, args.train_one, args.steps)
        return
    if args.split == "test":
        raise SystemExit("--split test: choices are made on validation clips, never on the test clips")
    from eatface.training.workspace import read_state

    from_steps = read_state(args.base).get("stages", {}).get("tfr", {}).get("steps")
    # 1. Every candidate trains at once, one thread each.
    t0 = time.perf_counter()
    env = os.environ | {"OMP_NUM_THREADS": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, __file__, str(args.base), "--steps", str(args.steps), "--train-one", str(w)], env=env
        )
        for w in args.weights
    ]
    if any(p.wait() != 0 for p in workers):
        raise SystemExit("a candidate's training failed")
    train_s = time.perf_counter() - t0
    # 2. Each scored on the validation clips.
    candidates = [
        {"tfr_mouth_weight": w, **score(candidate_folder(args.base, w), args.split, args.limit)} for w in args.weights
    ]
    best = min(candidates, key=lambda c: c["lse-d"])
    report = {
        "command": f"python benchmarks/choose_mouth_weight.py BASE --weights {' '.join(f'{w:g}' for w in args.weights)} "
        f"--steps {args.steps} --split {args.split} --limit {args.limit}",
        "split": args.split,
        "clips": args.limit,
        "tfr_steps": {"branched_at": from_steps, "each_candidate_to": args.steps},
        "train_seconds_all_candidates_at_once": round(train_s, 1),
        "judges": "demo",
        "rule": "lowest LSE-D",
        "chosen": best["tfr_mouth_weight"],
        "candidates": candidates,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
