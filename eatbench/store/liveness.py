"""Is the process that started a run still alive? How a run killed by SIGKILL is told from a running one.

A run records its host, pid and a start token: on Linux the boot id and the process's start time in
clock ticks since boot (``/proc/<pid>/stat`` field 22), so a pid reused by another process after the
run died is not taken for the run. A run of another host cannot be checked from here and counts as
alive.

Example:
    >>> is_alive(*this_process())
    True
"""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> list[str]:
    """Fields 3... of ``/proc/<pid>/stat`` (state, ppid, ...), or [] where /proc does not say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    # The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
    return stat[stat.rfind(")") + 2 :].split()


def start_token(pid: int) -> str:
    """``<boot id>:<start ticks>`` of process ``pid`` ('' when unknown)."""
    stat = _stat(pid)
    return f"{_boot_id()}:{stat[19]}" if len(stat) > 19 else ""


def this_process() -> tuple[str, int, str]:
    """(host, pid, start token) of the calling process."""
    return platform.node(), os.getpid(), start_token(os.getpid())


def is_alive(host: str, pid: int | None, token: str) -> bool:
    """False only when the process is known to be gone: same host, and no such pid or another start token."""
    if pid is None or host != platform.node():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process of that pid exists
    stat = _stat(pid)
    if stat and stat[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return False
    return not token or start_token(pid) in ("", token)
