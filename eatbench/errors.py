"""User-facing errors and the exit codes of the ``eatbench`` command.

An :class:`EatbenchError` carries one line that names the argument, states the rule, shows what was
received and says what to do. The CLI prints it on stderr and exits non-zero without a traceback;
library callers can catch it like any exception.

Exit codes (the same for every command):

====  =====================================================================================
0     success
1     the command ran but a check failed (``weights verify`` found a mismatch, ...)
2     a usage error (unknown command or option, a bad value) or a bad input file
3     the command's engine is not part of this version
4     an environment fault: a full disk, a folder that cannot be written, a file where a
      folder belongs (``EATBENCH_HOME`` pointing at a file, ...); fix it and run again
130   interrupted (Ctrl-C); what finished is kept
====  =====================================================================================
"""

from __future__ import annotations

import errno
import os

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_BUILT = 3
EXIT_ENVIRONMENT = 4
EXIT_INTERRUPTED = 130


class EatbenchError(Exception):
    """A problem with the user's input or environment, explained in one line."""

    exit_code: int = EXIT_USAGE


class MissingWeightsError(EatbenchError):
    """A pretrained file a measurement needs is not on disk (never replaced by random weights)."""


class InputError(EatbenchError):
    """A bad input file: missing, corrupt, silent, too short, wrong format, or no face."""


class NotBuiltError(EatbenchError):
    """A command whose engine is not part of this version yet."""

    exit_code: int = EXIT_NOT_BUILT


# What to do about the commonest file-system faults, by errno.
_HINTS = {
    errno.ENOSPC: "the disk is full: free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is exceeded: free some space or write elsewhere",
    errno.EACCES: "permission denied: choose a folder you can write to, or fix its permissions",
    errno.EPERM: "operation not permitted: choose a folder you can write to, or fix its permissions",
    errno.EROFS: "the file system is read-only: write elsewhere",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "this is a folder, a file was expected",
    errno.EEXIST: "a file is in the way",
}


class EnvironmentFault(EatbenchError):
    """The machine, not the input, is at fault: a full disk, an unwritable folder, a file where a folder belongs.

    Nothing half-written is left behind; fixing the environment and running the same command again
    resumes.
    """

    exit_code: int = EXIT_ENVIRONMENT

    @classmethod
    def from_os_error(cls, err: OSError, path: str | os.PathLike | None = None) -> EnvironmentFault:
        """One line for an :class:`OSError`, naming ``path`` (default: the file the error names).

        Example:
            >>> str(EnvironmentFault.from_os_error(OSError(28, "No space left on device"), "/out/x.mkv"))
            '/out/x.mkv: No space left on device (the disk is full: free some space or write elsewhere)'
        """
        where = path if path is not None else err.filename
        what = err.strerror or str(err) or err.__class__.__name__
        hint = _HINTS.get(err.errno or -1)
        line = f"{what} ({hint})" if hint and hint.lower() != what.lower() else what
        return cls(f"{os.fspath(where)}: {line}" if where is not None else line)
