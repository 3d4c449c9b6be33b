"""Where an external method's repository and environment are: ``$EATBENCH_HOME/baselines.toml``
(or ``EATBENCH_BASELINES_CONFIG``), one table per method key, each value overridable by an
environment variable ``EATBENCH_<KEY>_<FIELD>`` (see :mod:`baselines.external` for the keys).
"""

from __future__ import annotations

import os
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.paths import eatbench_home

DEFAULT_TIMEOUT = 3600.0
COMMON_KEYS: dict[str, str] = {
    "repo": "checkout of the official repository",
    "python": "python executable of the method's own environment (default: python on PATH)",
    "timeout": f"seconds before a job is killed (default {DEFAULT_TIMEOUT:g})",
    "keep_workdir": "keep each job's working copy for inspection (default false)",
    "extra_args": "extra command-line arguments appended to the upstream call",
}


def config_file() -> Path:
    return Path(os.environ.get("EATBENCH_BASELINES_CONFIG", eatbench_home() / "baselines.toml")).expanduser()


def env_name(key: str, field_name: str) -> str:
    return f"EATBENCH_{key.upper()}_{field_name.upper()}"


@dataclass(frozen=True)
class ExternalConfig:
    """Where a method's repository and environment are, and how to run a job."""

    key: str
    repo: Path | None = None
    python: str = "python"
    timeout: float = DEFAULT_TIMEOUT
    keep_workdir: bool = False
    extra_args: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)  # the adapter's own keys
    source: str = "defaults"  # where the values came from, for messages

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise EatbenchError(f"{self.key}.timeout: must be a positive number of seconds, got {self.timeout}")

    @classmethod
    def load(cls, key: str, option_keys: tuple[str, ...] = ()) -> ExternalConfig:
        """Read ``[key]`` from the config file, then let ``EATBENCH_<KEY>_<FIELD>`` override it.

        Raises:
            EatbenchError: the config file is not valid TOML, or a value has the wrong type.
        """
        values: dict[str, Any] = {}
        sources = []
        path = config_file()
        if path.is_file():
            try:
                table = tomllib.loads(path.read_text()).get(key, {})
            except tomllib.TOMLDecodeError as err:
                raise EatbenchError(f"{path}: not valid TOML ({err})") from None
            if table:
                values.update(table)
                sources.append(str(path))
        for name in (*COMMON_KEYS, *option_keys):
            env = env_name(key, name)
            if env in os.environ:
                values[name] = os.environ[env]
                sources.append(env)
        unknown = sorted(set(values) - set(COMMON_KEYS) - set(option_keys))
        if unknown:
            from eatbench.registry import did_you_mean

            known = [*COMMON_KEYS, *option_keys]
            raise EatbenchError(f"[{key}] in {path}: unknown key {unknown[0]!r}{did_you_mean(unknown[0], known)}")
        try:
            timeout = float(values.get("timeout", DEFAULT_TIMEOUT))
        except ValueError:
            raise EatbenchError(f"{key}.timeout: a number of seconds was expected, got {values['timeout']!r}") from None
        keep = values.get("keep_workdir", False)
        if isinstance(keep, str):
            keep = keep.strip().lower() in ("1", "true", "yes", "on")
        extra = values.get("extra_args", ())
        extra = tuple(shlex.split(extra)) if isinstance(extra, str) else tuple(str(a) for a in extra)
        repo = values.get("repo")
        return cls(
            key=key,
            repo=Path(repo).expanduser() if repo else None,
            python=str(values.get("python", "python")),
            timeout=timeout,
            keep_workdir=bool(keep),
            extra_args=extra,
            options={k: str(values[k]) for k in option_keys if k in values},
            source=", ".join(sources) or "defaults",
        )
