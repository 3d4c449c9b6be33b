"""Text written for others carries no path of the machine that wrote it.

A reason stored with a result ("alexnet-owt-7be5be79.pth not found in /home/me/.cache/eatbench/weights")
is right on the machine that ran it and noise, or a leak, in a committed table. :func:`portable`
rewrites the paths this machine is known by into the names a reader can use anywhere:
``$EATBENCH_WEIGHTS`` (when set apart from the home), ``$EATBENCH_HOME``, the repository checkout as
``.`` and the user's home as ``~``. Every table note and the reproduction index go through it.

Example:
    >>> portable("not found in /srv/me/eb/weights, /srv/me/eb2")  # with EATBENCH_HOME=/srv/me/eb  # doctest: +SKIP
    'not found in $EATBENCH_HOME/weights, /srv/me/eb2'
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from eatbench.paths import eatbench_home, weights_dir


def checkout_root() -> Path | None:
    """The git checkout eatbench runs from, or None for an installed package."""
    root = Path(__file__).resolve().parents[2]
    return root if (root / ".git").exists() else None


def machine_paths() -> list[tuple[str, str]]:
    """(path, portable name) pairs, longest path first, each path also in its resolved spelling."""
    named: list[tuple[Path, str]] = []
    if os.environ.get("EATBENCH_WEIGHTS"):
        named.append((weights_dir(), "$EATBENCH_WEIGHTS"))
    named.append((eatbench_home(), "$EATBENCH_HOME"))
    root = checkout_root()
    if root is not None:
        named.append((root, "."))
    named.append((Path.home(), "~"))
    pairs = {}
    for path, name in named:
        for spelling in (str(path), str(path.resolve())):
            if len(spelling) > 1:  # never rewrite "/" itself
                pairs.setdefault(spelling.rstrip("/"), name)
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def portable(text: str) -> str:
    """``text`` with this machine's known paths replaced by their portable names (see the module docstring)."""
    for path, name in machine_paths():
        # a whole path component only: /home/me must not match /home/mel
        text = re.sub(re.escape(path) + r"(?![\w.-])", lambda _, name=name: name, text)
    return text
