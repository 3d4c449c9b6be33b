"""The metric registry: importing this module registers every metric.

Keys, in Table I/II order: ``psnr`` ``ssim`` ``cpbd`` ``lpips`` ``fid`` ``lse-d`` ``lse-c`` ``csim``
``emo-acc`` ``m-lmd`` ``f-lmd``; then those of the ``portable`` judge profile (:data:`PORTABLE_ORDER`).
A name that is not registered raises one line with the closest names. Each metric says which judge
profiles provide it (:meth:`~eatbench.metrics.base.Metric.provided_by`); ``all`` means the metrics of one
profile.

Scoring one sample runs every requested metric on the same :class:`~eatbench.metrics.base.Sample`
(so derived data in ``sample.cache`` is computed once) and turns a metric that cannot run — missing
weights, a missing ground truth, no face — into an ``n/a`` row with the reason, while the others are
still computed.

Example:
    >>> [m.name for m in all_metrics()][:3]
    ['psnr', 'ssim', 'cpbd']
    >>> parse_metric_list("PSNR, ssim")
    ['psnr', 'ssim']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from eatbench.errors import EatbenchError

# Importing a metric module registers its classes in METRICS.
from eatbench.metrics import (  # noqa: F401
    cpbd,
    csim,
    csim_portable,
    emo_acc,
    emo_acc_portable,
    face_motion,
    fid,
    lip_dynamics,
    lmd,
    lpips,
    lse,
    psnr_ssim,
)
from eatbench.metrics.base import METRICS, Metric, Profile, Sample
from eatbench.registry import did_you_mean

TABLE_ORDER = ("psnr", "ssim", "cpbd", "lpips", "fid", "lse-d", "lse-c", "csim", "emo-acc", "m-lmd", "f-lmd")
# The metrics only the ``portable`` judge profile provides (docs/portable-metrics.md), listed after Table I/II's.
PORTABLE_ORDER = (
    "csim-portable",
    "emo-acc-portable",
    "lip-sync-corr",
    "silent-lip-stability",
    "mouth-dynamics-ratio",
    "blink-rate",
    "head-motion",
)


def get_metric(name: str) -> type[Metric]:
    """The metric class registered under ``name`` (case-insensitive); a miss suggests the closest names."""
    return METRICS.get(name.strip())


def all_metrics(profile: Profile | None = "official") -> list[type[Metric]]:
    """The metric classes a judge profile provides (None: every registered one), in table order, then
    the portable ones, then any others alphabetically."""
    names = METRICS.names()
    known = TABLE_ORDER + PORTABLE_ORDER
    ordered = [n for n in known if n in names] + sorted(n for n in names if n not in known)
    classes = [METRICS.get(n) for n in ordered]
    return classes if profile is None else [m for m in classes if profile in m.provided_by()]


def parse_metric_list(text: str | None, profile: Profile = "official") -> list[str]:
    """``"a,b"`` -> canonical keys in the given order; empty, None or ``all`` -> every metric ``profile``
    provides.

    Raises:
        EatbenchError: an unknown name, with "did you mean".
    """
    if text is None or text.strip().lower() in ("", "all"):
        return [m.name for m in all_metrics(profile)]
    out: list[str] = []
    for part in text.split(","):
        key = part.strip().lower()
        if not key:
            continue
        if key not in METRICS:
            raise EatbenchError(f"--metrics: unknown metric {part.strip()!r}{did_you_mean(key, METRICS.names())}")
        if key not in out:
            out.append(key)
    return out


def make_metric(name: str, profile: Profile = "official", **settings: Any) -> Metric:
    """An instance of the metric ``name`` for ``profile`` with metric-specific settings."""
    return get_metric(name)(profile, **settings)


@dataclass
class Score:
    """One metric on one sample: its mergeable state and value, or why it could not be computed."""

    name: str
    display: str
    higher_is_better: bool
    protocol: str
    state: dict[str, Any] | None = None
    value: float | None = None
    error: str | None = None  # the one-line reason when the metric shows n/a

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        return {
            "metric": self.name,
            "display": self.display,
            "value": None if v is None or (isinstance(v, float) and math.isnan(v)) else v,
            "higher_is_better": self.higher_is_better,
            "protocol": self.protocol,
            "error": self.error,
        }


def score_sample(sample: Sample, metrics: list[Metric]) -> dict[str, Score]:
    """Run each metric on ``sample``; a metric that raises an EatbenchError becomes n/a with the reason."""
    out: dict[str, Score] = {}
    for m in metrics:
        score = Score(m.name, m.display, m.higher_is_better, m.protocol)
        try:
            score.state = m.clip_state(sample)
            score.value = float(m.value(score.state))
        except EatbenchError as err:
            score.error = str(err)
        out[m.name] = score
    return out


def compute_metrics(
    sample: Sample, names: list[str] | str | None = None, profile: Profile = "official"
) -> dict[str, Score]:
    """Score ``sample`` with the named metrics (default all) under ``profile``."""
    text = names if names is None or isinstance(names, str) else ",".join(names)
    keys = parse_metric_list(text, profile)
    return score_sample(sample, [make_metric(k, profile) for k in keys])
