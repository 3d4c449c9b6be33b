"""Where eatbench keeps things on disk.

- ``EATBENCH_HOME`` (default ``~/.cache/eatbench``): generated corpora, preprocessed clips, generated
  videos and the results database. Content-addressed and safe to delete.
- ``EATBENCH_WEIGHTS`` (default ``$EATBENCH_HOME/weights``): pretrained files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def eatbench_home() -> Path:
    return Path(os.environ.get("EATBENCH_HOME", Path.home() / ".cache" / "eatbench")).expanduser()


def weights_dir() -> Path:
    return Path(os.environ.get("EATBENCH_WEIGHTS", eatbench_home() / "weights")).expanduser()


def demo_root() -> Path:
    """The default location of the generated demo corpus."""
    return eatbench_home() / "demo" / "MEAD"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it over ``final`` only if the block succeeds.

    Nothing half-written is ever left at ``final``.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=suffix or final.suffix, dir=final.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, final)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
