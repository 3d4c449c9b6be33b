"""Keep the log lines of MediaPipe's C++ core (TFLite, absl) off the user's terminal.

MediaPipe 0.10.21 writes, from C++, straight to file descriptor 2 on its first graphs and calls::

    INFO: Created TensorFlow Lite XNNPACK delegate for CPU.
    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    W0000 00:00:1796093494.965753   31079 inference_feedback_manager.cc:114] Feedback manager requires ...

No environment variable silences them (``GLOG_minloglevel`` and ``TF_CPP_MIN_LOG_LEVEL`` were tried:
MediaPipe logs through absl, whose threshold is not settable from Python before ``InitializeLog``).
So :func:`quiet_native_logs` points descriptor 2 at a temporary file around the calls into
MediaPipe, then writes back every captured line that is not one of those notices: a real error
from the C++ core, or whatever another thread printed meanwhile, still reaches stderr (after the call
instead of during it).

Example:
    >>> with quiet_native_logs():
    ...     pass
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator

# The notices dropped: TFLite's delegate notice, absl's pre-init banner, and absl INFO/WARNING lines
# (severity letter I or W, then the date/time absl prints; E and F, errors and fatals, are kept).
NOISE = re.compile(
    rb"^(INFO: Created TensorFlow Lite .*"
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rb"|[IW]\d{4} \d\d:\d\d:\d\d[.\d]* +\d+ [\w.]+:\d+\] .*)$"
)

_lock = threading.RLock()
_depth = 0


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Drop MediaPipe/TFLite/absl notices written to descriptor 2 inside the block; keep everything else."""
    global _depth
    with _lock:
        if _depth:  # nested: the outer block already captures
            _depth += 1
            try:
                yield
            finally:
                _depth -= 1
            return
        sys.stderr.flush()
        saved = os.dup(2)
        capture = tempfile.TemporaryFile()
        os.dup2(capture.fileno(), 2)
        _depth = 1
        try:
            yield
        finally:
            _depth = 0
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().splitlines(keepends=True) if not NOISE.match(line.rstrip(b"\r\n"))]
            capture.close()
            if kept:
                os.write(2, b"".join(kept))
