"""Scoring many clips: each clip decoded once and scored by every metric, in worker processes if asked,
then the per-clip states merged in clip order into one value per metric.

Workers are processes (``spawn``), each with its share of the CPU threads; a clip is scored in one
process from start to end, and the states are merged in the clips' order whatever process computed
them, so ``workers=N`` gives the numbers of ``workers=1``.

A metric's pooled value is ``n/a`` with a one-line reason when any clip could not be scored by it
(missing or corrupt weights, a missing input, no face) or when its merged state holds no value
(:meth:`~eatbench.metrics.base.Metric.no_value_reason`): nothing partial is reported as a number.

Example:
    >>> split_threads(4, cpus=8), split_threads(3, cpus=2)
    (2, 1)
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.metrics.base import Metric, Profile
from eatbench.metrics.files import ClipFiles, load_sample
from eatbench.metrics.registry import Score, make_metric, score_sample


@dataclass
class ClipScores:
    """One clip's scores (states kept for merging)."""

    clip: ClipFiles
    frames: int
    gen_fps: float
    scores: dict[str, Score]


@dataclass
class ScoreReport:
    """Per-clip scores and the pooled value of every metric over all clips."""

    clips: list[ClipScores]
    pooled: dict[str, Score]
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # per metric: offsets, judge accuracy, ...

    def reasons(self) -> dict[str, list[str]]:
        """Each distinct reason a metric shows n/a, with the display names of the metrics it stops."""
        out: dict[str, list[str]] = {}
        for s in self.pooled.values():
            if s.error is not None:
                out.setdefault(s.error, []).append(s.display)
        return out


def split_threads(workers: int, cpus: int | None = None) -> int:
    """CPU threads per worker process: the machine's CPUs shared out, at least one."""
    return max(1, (cpus or os.cpu_count() or 1) // max(1, workers))


# ------------------------------------------------------------------------------------ one clip, one process
_WORKER: dict[str, Any] = {}


def _init_worker(names: list[str], profile: Profile, settings: dict[str, dict[str, Any]], threads: int) -> None:
    """Worker start: its thread budget first (before torch or ONNX Runtime start their pools), its metrics."""
    os.environ["OMP_NUM_THREADS"] = str(threads)  # torch and ONNX Runtime read it when (if) first imported
    _WORKER["metrics"] = [make_metric(n, profile, **settings.get(n, {})) for n in names]


def _score_clip(clip: ClipFiles, metrics: Sequence[Metric], allow_length_mismatch: bool) -> ClipScores:
    sample, gen_fps = load_sample(clip, allow_length_mismatch)
    scores = score_sample(sample, list(metrics))
    for s in scores.values():
        if s.error is not None:  # every reason is one line (a library's message may span several)
            s.error = next((ln.strip() for ln in s.error.splitlines() if ln.strip()), "failed")
        # A value the clip's state cannot give is n/a with its reason, never a bare nan.
        if s.ok and s.value is not None and math.isnan(s.value):
            m = next(m for m in metrics if m.name == s.name)
            s.error, s.value = m.no_value_reason(s.state or {}), None
    return ClipScores(clip, len(sample.gen), gen_fps, scores)


def _score_in_worker(clip: ClipFiles, allow_length_mismatch: bool) -> ClipScores:
    return _score_clip(clip, _WORKER["metrics"], allow_length_mismatch)


# ------------------------------------------------------------------------------------------------- pooling
def pool(metrics: Sequence[Metric], clips: Sequence[ClipScores]) -> tuple[dict[str, Score], dict[str, dict]]:
    """One score per metric: the states of every clip merged in clip order, or n/a with a reason."""
    pooled: dict[str, Score] = {}
    details: dict[str, dict[str, Any]] = {}
    for m in metrics:
        score = Score(m.name, m.display, m.higher_is_better, m.protocol)
        failed = [c.scores[m.name].error for c in clips if c.scores[m.name].error is not None]
        if failed:
            first = failed[0]
            score.error = first if len(clips) == 1 else f"{len(failed)} of {len(clips)} clips not scored: {first}"
        else:
            score.state = m.merge([c.scores[m.name].state for c in clips])
            try:
                value = float(m.value(score.state))
            except (ValueError, ArithmeticError) as err:
                score.error = str(err).splitlines()[0]
            else:
                if math.isnan(value):
                    score.error = m.no_value_reason(score.state)
                else:
                    score.value = value
                    details[m.name] = {**m.details(score.state), **getattr(m, "judge_facts", dict)()}
        pooled[m.name] = score
    return pooled, details


def score_clips(
    clips: Sequence[ClipFiles],
    names: list[str],
    profile: Profile = "official",
    workers: int = 1,
    allow_length_mismatch: bool = False,
    settings: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScoreReport:
    """Score every clip with the named metrics and pool the values.

    Args:
        clips: the clips (:func:`~eatbench.metrics.files.pair_files`).
        names: metric keys (:func:`~eatbench.metrics.registry.parse_metric_list`).
        profile: the judge profile.
        workers: processes scoring clips side by side (1: this process).
        allow_length_mismatch: score videos whose lengths disagree (see :mod:`eatbench.metrics.files`).
        settings: metric-specific settings by key (e.g. ``{"fid": {"sqrtm": "eigh"}}``).
        progress: called as ``progress(done, total)`` after each clip.

    Raises:
        InputError: a clip's files cannot be scored (nothing is reported then).
    """
    if workers < 1:
        raise EatbenchError(f"--workers {workers}: must be at least 1")
    settings = settings or {}
    metrics = [make_metric(n, profile, **settings.get(n, {})) for n in names]
    tick = progress or (lambda done, total: None)
    results: list[ClipScores] = []
    if workers == 1 or len(clips) == 1:
        for clip in clips:
            results.append(_score_clip(clip, metrics, allow_length_mismatch))
            tick(len(results), len(clips))
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        n = min(workers, len(clips))
        init = (names, profile, settings, split_threads(n))
        with ProcessPoolExecutor(n, multiprocessing.get_context("spawn"), _init_worker, init) as pool_:
            for result in pool_.map(_score_in_worker, clips, [allow_length_mismatch] * len(clips)):
                results.append(result)  # map yields in clip order
                tick(len(results), len(clips))
    pooled, details = pool(metrics, results)
    return ScoreReport(results, pooled, details)
