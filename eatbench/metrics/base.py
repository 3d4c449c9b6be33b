"""The metric interface: what every metric declares and the mergeable state it keeps.

A metric is a class with class attributes (``name``, ``display``, ``higher_is_better``, ``needs``,
``protocol``, ``weights``) and three methods:

- :meth:`Metric.clip_state` scores one generated clip and returns a JSON-serialisable *state*
  (sums and counts, or sufficient statistics of pooled activations for FID);
- :meth:`Metric.merge` adds states together (shards, cached per-clip results, several processes);
- :meth:`Metric.value` turns a merged state into the reported number.

Because value(merge(states of all clips)) equals what one pass over all clips gives, cached per-clip
results and sharded runs reproduce a single run exactly. The math lives in pure functions in
``eatbench/metrics/functional/`` beside each metric class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np

from eatbench.registry import Registry

Needs = Literal["gt", "source", "audio", "none"]
Profile = Literal["official", "demo", "portable"]

METRICS: Registry[type[Metric]] = Registry("metric")


def _still_abstract(cls: type) -> bool:
    """True while ``cls`` leaves an abstract method unimplemented.

    ``__init_subclass__`` runs before ABCMeta computes ``__abstractmethods__``, so look it up here.
    """
    return any(getattr(getattr(cls, n, None), "__isabstractmethod__", False) for n in dir(cls))


@dataclass
class Sample:
    """Everything a metric may look at for one generated clip.

    Frames are uint8 RGB ``(T, H, W, 3)`` at 25 fps; audio is the clip's int16 mono 16 kHz track.
    ``cache`` holds derived data shared between metrics of one clip (face crops, landmarks,
    grayscale frames) so that each is computed once.
    """

    gen: np.ndarray
    gt: np.ndarray | None = None
    source: np.ndarray | None = None  # (H, W, 3) uint8 RGB reference image
    audio: np.ndarray | None = None  # (N,) int16 at 16 kHz
    clip_id: str = ""
    emotion: str | None = None  # the target emotion (for Emo-Acc)
    cache: dict[str, Any] = field(default_factory=dict)


class Metric(ABC):
    """Base class of every metric. Subclasses must set every class attribute below."""

    name: ClassVar[str]  # registry key, e.g. "lse-d"
    display: ClassVar[str]  # column title, e.g. "LSE-D"
    higher_is_better: ClassVar[bool]
    needs: ClassVar[tuple[Needs, ...]]  # inputs besides the generated frames
    protocol: ClassVar[str]  # versioned protocol id, e.g. "syncnet_python@6efbb1c/lrs-v1"
    weights: ClassVar[tuple[str, ...]] = ()  # weights-registry names this metric needs
    pooled: ClassVar[bool] = False  # True when the value is not a mean of per-clip values (FID)
    # The judge profiles that provide this metric; None: those with a version of every file in ``weights``
    # (every profile when it needs none). See :func:`eatbench.metrics.registry.metric_profiles`.
    profiles: ClassVar[tuple[Profile, ...] | None] = None
    # Set for a ratio to the ground truth (1.0): the best value is the closest to it, ranked by
    # ``|log(value / ideal)|``, which is lower-better (such a metric declares ``higher_is_better = False``).
    ideal: ClassVar[float | None] = None

    _required = ("name", "display", "higher_is_better", "needs", "protocol")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _still_abstract(cls):  # an intermediate base class: checked in its subclasses
            return
        missing = [a for a in cls._required if not hasattr(cls, a)]
        if missing:
            raise TypeError(f"metric class {cls.__name__} lacks required attribute(s): {', '.join(missing)}")

    def __init__(self, profile: Profile = "official", **settings: Any) -> None:
        provided = self.provided_by()
        if profile not in provided:
            from eatbench.errors import EatbenchError

            raise EatbenchError(
                f"metric {self.name!r} is not provided by judge profile {profile!r} "
                f"(it is by: {', '.join(provided) or 'none'}; see `eatbench metrics list`)"
            )
        self.profile = profile
        self.settings = settings

    @classmethod
    def provided_by(cls) -> tuple[str, ...]:
        """The judge profiles that provide this metric: ``profiles`` when set, else every profile that has
        a version of each weights file the metric needs (all of them for a metric that needs none)."""
        if cls.profiles is not None:
            return tuple(cls.profiles)
        from eatbench.judges.weights import PROFILES, profiles_of

        return tuple(p for p in PROFILES if all(p in profiles_of(w) for w in cls.weights))

    @abstractmethod
    def clip_state(self, sample: Sample) -> dict[str, Any]:
        """Score one clip; return a JSON-serialisable, mergeable state."""

    @staticmethod
    def merge(states: list[dict[str, Any]]) -> dict[str, Any]:
        """Combine states. The default sums every numeric (or list-of-numeric) field."""
        if not states:
            return {}
        out: dict[str, Any] = {}
        for key in states[0]:
            vals = [s[key] for s in states]
            if isinstance(vals[0], int | float):
                out[key] = sum(vals)
            else:
                out[key] = np.sum([np.asarray(v, dtype=np.float64) for v in vals], axis=0).tolist()
        return out

    @abstractmethod
    def value(self, state: dict[str, Any]) -> float:
        """The reported number for a (merged) state."""

    def no_value_reason(self, state: dict[str, Any]) -> str:
        """Why a (merged) state gives no value (its :meth:`value` is NaN), in one line, for an n/a."""
        return "no frame of the clips could be scored"

    def details(self, state: dict[str, Any]) -> dict[str, Any]:
        """Numbers besides the value that a table may show, from a merged state (stored as JSON with the
        series' pooled value). None by default; Emo-Acc gives its per-emotion rows, LSE its offsets."""
        return {}

    def settings_key(self) -> dict[str, Any]:
        """What, besides the video and the protocol, changes this metric's value (for caching)."""
        return {"profile": self.profile, **self.settings}
