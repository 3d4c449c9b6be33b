"""Where eatbench keeps things on disk, and how it writes there.

- ``EATBENCH_HOME`` (default ``~/.cache/eatbench``): generated corpora, preprocessed clips, generated
  videos and the results database. Content-addressed and safe to delete.
- ``EATBENCH_WEIGHTS`` (default ``$EATBENCH_HOME/weights``): pretrained files.

Every file eatbench writes goes through :func:`atomic_path` (or :func:`atomic_write_text`,
:func:`atomic_copy`): it is written beside its destination under a hidden temporary name, flushed to
disk, and renamed over the destination only when complete. A full disk, a killed process or a writer
that raises leaves the destination as it was (absent, or the previous complete file), never a
truncated file that decodes as part of a video.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from eatbench.errors import EnvironmentFault

# Faults of the file system being written to, whichever file the error names.
_WRITE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def _folder_setting(var: str, path: Path) -> Path:
    """``path`` (from ``$var``), refused at once when it or a parent is a file rather than a folder."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        where = "is a file" if probe == path else f"lies under {probe}, which is a file"
        raise EnvironmentFault(
            f"{var}={path}: {where}, not a folder; point {var} at a folder (it is created when missing)"
        )
    return path


def eatbench_home() -> Path:
    """``$EATBENCH_HOME`` (default ``~/.cache/eatbench``).

    Raises:
        EnvironmentFault: the path, or a folder above it, is a file.
    """
    default = Path.home() / ".cache" / "eatbench"
    return _folder_setting("EATBENCH_HOME", Path(os.environ.get("EATBENCH_HOME", default)).expanduser())


def weights_dir() -> Path:
    """``$EATBENCH_WEIGHTS`` (default ``$EATBENCH_HOME/weights``)."""
    if "EATBENCH_WEIGHTS" in os.environ:
        return _folder_setting("EATBENCH_WEIGHTS", Path(os.environ["EATBENCH_WEIGHTS"]).expanduser())
    return eatbench_home() / "weights"


def demo_root() -> Path:
    """The default location of the generated demo corpus."""
    return eatbench_home() / "demo" / "MEAD"


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def file_hash(path: Path) -> str:
    """sha256 of a file (or of the files under a folder), memoised by path, size and mtime."""
    path = Path(path)
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(str(p.relative_to(path)).encode())
            h.update(file_hash(p).encode())
        return h.hexdigest()
    st = path.stat()
    memo = (str(path), st.st_size, st.st_mtime_ns)
    if memo not in _HASH_MEMO:
        _HASH_MEMO[memo] = sha256_file(path)
    return _HASH_MEMO[memo]


def ensure_folder(path: str | os.PathLike, what: str = "folder") -> Path:
    """Create ``path`` (and its parents) if needed and check that a file can be created in it.

    Call it before a long computation whose result goes there, so a read-only folder or a path under
    a file fails at once rather than after the work.

    Args:
        path: the folder.
        what: how to name it in the error, e.g. ``"--out"``.

    Raises:
        EnvironmentFault: it cannot be created or written to.
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".eatbench-probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise EnvironmentFault(f"{what} {EnvironmentFault.from_os_error(err, path)}") from None
    return path


@contextlib.contextmanager
def atomic_path(final: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``final``; rename it over ``final`` only if the block succeeds.

    The temporary file is flushed to disk (``fsync``) before the rename, so a write error the file
    system reports late (some report a full disk only then) fails the write instead of leaving a
    short file. Nothing half-written is ever left at ``final``, and the temporary file is removed
    on any failure.

    Args:
        final: the destination.
        suffix: the temporary file's suffix (default ``final``'s), for writers that pick a format from it.

    Raises:
        EnvironmentFault: the folder cannot be created or written to, or the disk is full (an
            ``OSError`` about the temporary file, or about no file, becomes this one line naming ``final``).
    """
    final = Path(final)
    tmp_path: Path | None = None
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=suffix or final.suffix, dir=final.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        yield tmp_path
        with open(tmp_path, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp_path, final)
    except OSError as err:
        # A write fault, or an error about the file being written (or about no file: a failed
        # write()), is the destination's; an error about another file (an input read inside the
        # block) stays as it is.
        ours = {str(tmp_path), str(final), str(final.parent)}
        if (
            tmp_path is None
            or err.errno in _WRITE_FAULTS
            or err.filename is None
            or str(err.filename) in ours
            or str(getattr(err, "filename2", None)) in ours
        ):
            raise EnvironmentFault.from_os_error(err, final) from err
        raise
    finally:
        if tmp_path is not None and tmp_path.exists():
            tmp_path.unlink()


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def atomic_copy(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy ``src`` to ``dst`` atomically (a full disk leaves no partial ``dst``); returns ``dst``."""
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
    return Path(dst)
