"""What one run does: :class:`RunConfig`, validated on construction, and the name its results go by."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.judges.weights import PROFILES
from eatbench.paths import eatbench_home
from eatbench.registry import did_you_mean


def series_label(method: str, variant: str | None) -> str:
    """The name a series goes by in tables and ratings: ``eatface`` or ``eatface[w/o-EVE]``."""
    return method if variant in (None, "full") else f"{method}[{variant}]"


def default_profile(dataset: str) -> str:
    """The judge profile when none is named: ``demo`` on the demo corpus (its judges are trained on it),
    ``official`` elsewhere."""
    return "demo" if dataset.lower() == "demo" else "official"


def resolve_metrics(names: tuple[str, ...] | None, profile: str) -> list[Any]:
    """Metric instances for ``names`` (None: every registered metric), each with the judge profile."""
    from eatbench.metrics import registry

    keys = registry.parse_metric_list(",".join(names) if names is not None else None, profile)  # type: ignore[arg-type]
    return [registry.get_metric(k)(profile=profile) for k in keys]


def _registered(name: str) -> bool:
    from eatbench.methods.registry import method_names

    return name.lower() in {n.lower() for n in method_names()}


@dataclass
class RunConfig:
    """What one ``eatbench run`` does. Validated on construction.

    Args:
        method: registry name of the method (``eatface``, ``static-frame``...).
        dataset: a dataset of the registry (``eatbench data info`` lists them).
        root: the dataset folder (``demo`` has a default).
        split: ``train``/``val``/``test``, or None for every clip.
        limit: score only N clips, spread over emotions and actors (:func:`eatbench.clip.balanced_subset`).
        seed: the generation seed, part of every cache key.
        metrics: metric names; None means every registered metric.
        emotion: the target emotion for every clip; None means the clip's own label.
        profile: judge profile; None means ``demo`` for the demo dataset, else ``official``.
        variant: one of the method's declared variants (EAT-Face: ``full``, ``w/o-EVE``...); None is
            the default one. Stored as None for the default (the series of the method itself).
        retry_failed: generate again the clips whose generation failed deterministically before
            (failures of the environment are always retried).
        weights: the method's weights folder (EAT-Face ``--weights``).
        from_folder: score videos the method produced elsewhere (``--from-folder``).
        layout: how the ``from_folder`` videos are framed: ``raw``, ``cropped`` or ``upstream``
            (:mod:`eatbench.methods.ingest`); required with ``from_folder``.
        workers: local processes that share the clips (every n-th each, one store); the numbers are
            those of one process.
        store: the results database (default ``$EATBENCH_HOME/results.db``).
        videos_dir: where generated videos go (default ``$EATBENCH_HOME/videos``).
        command: the command line, recorded with the run.
    """

    method: str
    dataset: str
    root: Path | None = None
    split: str | None = "test"
    limit: int | None = None
    seed: int = 0
    metrics: tuple[str, ...] | None = None
    emotion: str | None = None
    profile: str | None = None
    variant: str | None = None
    retry_failed: bool = False
    weights: Path | None = None
    from_folder: Path | None = None
    layout: str | None = None
    workers: int = 1
    store: Path | None = None
    videos_dir: Path | None = None
    command: str = ""

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise EatbenchError(f"--limit {self.limit}: must be at least 1")
        if self.workers < 1:
            raise EatbenchError(f"--workers {self.workers}: must be at least 1")
        if self.from_folder is not None or self.layout is not None:
            from eatbench.methods.ingest import LAYOUT_HELP, known_layout

            if self.from_folder is None:
                raise EatbenchError(f"--layout {self.layout}: only with --from-folder ({LAYOUT_HELP})")
            known_layout(self.layout)
        if self.emotion is not None:
            if self.emotion.lower() not in EMOTIONS:
                raise EatbenchError(
                    f"--emotion {self.emotion!r}: unknown emotion{did_you_mean(self.emotion, list(EMOTIONS))}"
                )
            self.emotion = self.emotion.lower()
        if self.profile is None:
            self.profile = default_profile(self.dataset)
        if self.profile not in PROFILES:
            raise EatbenchError(f"--profile {self.profile!r}: must be one of {', '.join(PROFILES)}")
        if self.variant is not None and (self.from_folder is None or _registered(self.method)):
            from eatbench.methods.registry import resolve_variant

            # The default variant is the method itself: `ablate full` and `run --method eatface` share one series.
            self.variant = resolve_variant(self.method, self.variant)
        if self.root is not None:
            self.root = Path(self.root).expanduser().resolve()
        self.videos_dir = Path(self.videos_dir) if self.videos_dir else eatbench_home() / "videos"
