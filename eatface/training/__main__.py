"""``python -m eatface.training``: one stage (or all) on a saved corpus, for ``accelerate launch``.

Example (2 CPU processes over gloo; on GPUs drop the variable and pick --num_processes):
    ACCELERATE_USE_CPU=1 accelerate launch --multi_gpu --num_processes 2 -m eatface.training \\
        --stage tfr --preset tiny --corpus corpus.safetensors --out runs/tiny --steps 100

``eatbench train`` builds the corpus file from a dataset and calls the same functions.
"""

from __future__ import annotations

import argparse
import sys

from eatface.configuration import get_preset
from eatface.data import TrainingCorpus
from eatface.errors import EATFaceError
from eatface.training import STAGES, initialise_from, stages_for, train_stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eatface.training", description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, choices=[*STAGES, "all"])
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--variant", default="full")
    parser.add_argument("--corpus", required=True, help="a TrainingCorpus safetensors file")
    parser.add_argument("--out", required=True, help="the run folder (a pipeline folder)")
    parser.add_argument("--steps", type=int, default=None, help="steps per stage (default: the preset's)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--no-resume", action="store_true", help="ignore existing checkpoints")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument("--init-from", default=None, help="a finished run folder whose shared stages to start from")
    args = parser.parse_args(argv)
    try:
        config = get_preset(args.preset, ablation=args.variant)
        corpus = TrainingCorpus.load(args.corpus)
        if args.init_from:
            from accelerate import PartialState

            state = PartialState()
            if state.is_main_process:
                initialise_from(config, args.out, args.init_from)
            state.wait_for_everyone()
        stages = stages_for(config) if args.stage == "all" else [args.stage]
        for stage in stages:
            result = train_stage(
                stage,
                config,
                corpus,
                args.out,
                steps=args.steps,
                seed=args.seed,
                resume=not args.no_resume,
                progress=not args.no_progress,
            )
            if result.losses:
                print(f"{stage}: steps {result.steps}, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    except EATFaceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
