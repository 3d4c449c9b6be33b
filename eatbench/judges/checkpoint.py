"""Reading a judge's weights file: a torch-saved state_dict or a safetensors file, with one-line errors.

Torch files are read with ``torch.load(weights_only=True)`` (never an arbitrary pickle); safetensors files
give their tensors and their metadata (the judges keep their constructor config there). A file that is
not what its name says — truncated, corrupt, a pickled object — is an :class:`~eatbench.errors.InputError`
naming the file, on one line, so ``metrics compute`` and ``run`` print it as the reason for an n/a.

Example:
    >>> import tempfile, torch
    >>> with tempfile.TemporaryDirectory() as d:
    ...     torch.save({"w": torch.ones(2)}, f"{d}/x.pth")
    ...     state, meta = load_state_file(f"{d}/x.pth")
    >>> list(state), meta
    (['w'], {})
"""

from __future__ import annotations

import os
from pathlib import Path

import torch

from eatbench.errors import InputError


def _first_line(err: Exception) -> str:
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    return f"{type(err).__name__}: {lines[0]}" if lines else type(err).__name__


def load_state_file(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """The tensors of a weights file and its metadata (``{}`` for a torch file).

    Raises:
        InputError: the file cannot be read as a state_dict (one line, naming the file).
    """
    path = Path(path)
    if path.suffix == ".safetensors":
        from safetensors import safe_open

        try:
            with safe_open(str(path), framework="pt") as f:
                return {k: f.get_tensor(k) for k in f.keys()}, dict(f.metadata() or {})
        except Exception as err:  # SafetensorError, OSError: a truncated or foreign file
            raise InputError(f"{path}: not a readable safetensors file ({_first_line(err)})") from None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # UnpicklingError, RuntimeError (zip), EOFError: corrupt or not a checkpoint
        raise InputError(f"{path}: not a torch-saved state_dict ({_first_line(err)})") from None
    if not isinstance(state, dict):
        raise InputError(f"{path}: expected a state_dict, found {type(state).__name__}")
    return state, {}
