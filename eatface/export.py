"""Export a trained run folder as a pipeline folder to ship: no training leftovers, optionally fp16.

A run folder written by ``eatbench train`` holds the pipeline (``model_index.json`` and one folder per
component) plus what only training needs: ``checkpoints/`` (optimizer states), ``stages/`` (the TFR
snapshot), ``corpus.*`` (the cached training frames). :func:`export_pipeline` copies the pipeline
files and, with ``half=True``, stores every floating-point tensor of the safetensors files as float16.
The training machine's folders do not ship: ``_name_or_path`` leaves every config, and in
``training_state.json`` a path under the run folder's parent (where ``init_from`` names the sibling run
a variant started from) keeps only its part below it (``/home/me/runs/base/vae`` → ``base/vae``), any
other absolute path only its last two parts.
The configs keep ``float32`` as the dtype, so ``from_pretrained`` builds float32 modules and casts
the stored values up: storage halves and computation is unchanged, apart from the rounding of the
weights to fp16 (checked against the fp32 folder before shipping; see the tiny model's note).

Example:
    >>> export_pipeline("~/.cache/eatbench/eatface/tiny", "eatface/weights/tiny")  # doctest: +SKIP
    PosixPath('eatface/weights/tiny')

``python -m eatface.export SRC DST [--fp32]`` does the same from a shell.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from eatface.errors import EATFaceError

TRAINING_ONLY = ("checkpoints", "stages", "corpus.safetensors", "corpus.key")


def export_pipeline(src: str | Path, dst: str | Path, half: bool = True) -> Path:
    """Copy the pipeline of run folder ``src`` to ``dst`` (replaced), fp16 tensors when ``half``.

    Raises:
        EATFaceError: ``src`` is not a pipeline folder, or ``dst`` is inside it.
    """
    import torch
    from safetensors.torch import load_file, save_file

    src, dst = Path(src).expanduser().resolve(), Path(dst).expanduser().resolve()
    if not (src / "model_index.json").is_file():
        raise EATFaceError(f"{src}: not a pipeline folder (no model_index.json)")
    if src == dst or src in dst.parents:
        raise EATFaceError(f"{dst}: must not be inside the run folder {src}")
    tmp = dst.with_name(dst.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, ignore=shutil.ignore_patterns(*TRAINING_ONLY))
    index = json.loads((tmp / "model_index.json").read_text())
    index.pop("_name_or_path", None)  # the training machine's path says nothing to a user
    (tmp / "model_index.json").write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
    for config in sorted(tmp.glob("*/config.json")):  # each component's config names it too
        fields = json.loads(config.read_text())
        if fields.pop("_name_or_path", None) is not None:
            config.write_text(json.dumps(fields, indent=2, sort_keys=True) + "\n")
    state = tmp / "training_state.json"
    if state.is_file():
        portable = _portable_paths(json.loads(state.read_text()), src.parent)
        state.write_text(json.dumps(portable, indent=2) + "\n")
    if half:
        for f in sorted(tmp.rglob("*.safetensors")):
            tensors = load_file(f)
            save_file(
                {k: v.to(torch.float16) if v.is_floating_point() else v for k, v in tensors.items()},
                f,
                metadata={"format": "pt"},
            )
    shutil.rmtree(dst, ignore_errors=True)
    tmp.rename(dst)
    return dst


def _portable_paths(value: Any, root: Path) -> Any:
    """``value`` (parsed JSON) with every absolute path made relative to ``root`` (else its last two parts)."""
    if isinstance(value, dict):
        return {k: _portable_paths(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_portable_paths(v, root) for v in value]
    if isinstance(value, str) and value.startswith("/"):
        path = Path(value)
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else Path(*path.parts[-2:]).as_posix()
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eatface.export", description=__doc__.splitlines()[0])
    parser.add_argument("src", help="a run folder written by `eatbench train`")
    parser.add_argument("dst", help="the folder to write (replaced)")
    parser.add_argument("--fp32", action="store_true", help="keep float32 tensors")
    args = parser.parse_args(argv)
    try:
        print(export_pipeline(args.src, args.dst, half=not args.fp32))
    except EATFaceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
