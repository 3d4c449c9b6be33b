"""Sharding: which clips this process takes, and waiting for the other processes.

Under ``accelerate launch`` (or any launcher that sets ``WORLD_SIZE``) each process takes every
n-th clip of the series (:func:`my_clips`) and writes into the same store; after its shard, each
waits for the others (:func:`wait_for_everyone`) and pools the whole series, so every process
reports the numbers of one pass. ``eatbench run --workers N`` uses the same split with N local
processes (:mod:`eatbench.run.workers`).
"""

from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")


def shard_info() -> tuple[int, int]:
    """(process index, process count): from ``accelerate`` when launched by it, else (0, 1)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0, 1
    from accelerate import PartialState

    state = PartialState(cpu=True) if not _has_accelerator() else PartialState()
    return state.process_index, state.num_processes


def my_clips(clips: list[T], index: int, count: int) -> list[T]:
    """The clips of shard ``index`` of ``count``: every ``count``-th, starting at ``index``.

    >>> my_clips(list("abcde"), 1, 2)
    ['b', 'd']
    """
    return clips[index::count]


def wait_for_everyone() -> None:
    """A barrier across the processes of a launched run (no-op for one process)."""
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from accelerate import PartialState

        PartialState().wait_for_everyone()


def _has_accelerator() -> bool:
    import torch

    return torch.cuda.is_available()
