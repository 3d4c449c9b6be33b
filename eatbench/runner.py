"""The runner: generate → check the output contract → score → store, with caching and resume.

For every clip of a series (a method, variant, dataset split, seed and emotion rule):

1. the generated video is looked up by its cache key ``sha256(method, method version, weights hash,
   dataset, clip, emotion, seed)``; a stored, intact file is reused, otherwise the method generates it
   into a temporary file, :func:`~eatbench.methods.base.check_output` checks it, and it is renamed into
   ``$EATBENCH_HOME/videos/`` and recorded (a crash is recorded as ``failed`` with its error);
2. every metric is looked up by ``(video hash, metric, protocol version, judge weights hash,
   settings)``; only the missing ones are computed, and one clip's results are stored in one
   transaction;
3. at the end, each metric's per-clip states are merged over the whole series in clip order
   (:meth:`Metric.merge`), so a resumed or sharded run gives exactly the numbers of one pass.

A run killed at any point (SIGKILL included) loses at most the clip in flight: files are renamed into
place only when complete, and the database is the record of what finished. Under ``accelerate launch``
each process takes every n-th clip (:func:`shard_info`) and writes into the same store.

Example:
    >>> cfg = RunConfig(method="static-frame", dataset="demo", limit=2)  # doctest: +SKIP
    >>> summary = Runner(cfg).run()  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS, Clip, balanced_subset, identity_clips
from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.methods.base import GenerationInput, Method, check_output
from eatbench.metrics.base import Metric, Sample
from eatbench.paths import atomic_path, eatbench_home, sha256_file
from eatbench.registry import did_you_mean
from eatbench.store import MetricKey, ResultsStore, canonical_json, unpack_state

log = logging.getLogger(__name__)

# The EAT-Face ablation variants of Table IV, in the paper's order (Ours last).
VARIANTS: tuple[str, ...] = ("w/o-EVE", "w/o-FEC", "w/o-Emo", "full")
PROFILES: tuple[str, ...] = ("official", "demo", "portable")


def canonical_variant(variant: str) -> str:
    """``W/O-eve`` → ``w/o-EVE``; an unknown variant raises with a suggestion."""
    lookup = {v.lower(): v for v in VARIANTS}
    key = variant.strip().lower().replace(" ", "-")
    if key in ("ours", "eat-face"):
        key = "full"
    if key not in lookup:
        raise EatbenchError(f"unknown variant {variant!r}{did_you_mean(variant, list(VARIANTS))}")
    return lookup[key]


def series_label(method: str, variant: str | None) -> str:
    """The name a series goes by in tables and ratings: ``eatface`` or ``eatface[w/o-EVE]``."""
    return method if variant in (None, "full") else f"{method}[{variant}]"


@dataclass
class RunConfig:
    """What one ``eatbench run`` does. Validated on construction.

    Args:
        method: registry name of the method (``eatface``, ``static-frame``...).
        dataset: ``demo``, ``mead``, ``crema-d`` or ``folder``.
        root: the dataset folder (``demo`` has a default).
        split: ``train``/``val``/``test``, or None for every clip.
        limit: score only N clips, spread over emotions and actors (:func:`eatbench.clip.balanced_subset`).
        seed: the generation seed, part of every cache key.
        metrics: metric names; None means every registered metric.
        emotion: the target emotion for every clip; None means the clip's own label.
        profile: judge profile; None means ``demo`` for the demo dataset, else ``official``.
        variant: the EAT-Face variant (``full``, ``w/o-EVE``, ``w/o-FEC``, ``w/o-Emo``).
        retry_failed: generate again the clips whose generation failed before.
        weights: the method's weights folder (EAT-Face ``--weights``).
        from_folder: score videos the method produced elsewhere (``--from-folder``).
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
    store: Path | None = None
    videos_dir: Path | None = None
    command: str = ""

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 1:
            raise EatbenchError(f"--limit {self.limit}: must be at least 1")
        if self.emotion is not None:
            if self.emotion.lower() not in EMOTIONS:
                raise EatbenchError(
                    f"--emotion {self.emotion!r}: unknown emotion{did_you_mean(self.emotion, list(EMOTIONS))}"
                )
            self.emotion = self.emotion.lower()
        if self.profile is None:
            self.profile = "demo" if self.dataset.lower() == "demo" else "official"
        if self.profile not in PROFILES:
            raise EatbenchError(f"--profile {self.profile!r}: must be one of {', '.join(PROFILES)}")
        if self.variant is not None:
            # "full" is the method itself: `ablate full` and `run --method eatface` share one series.
            self.variant = None if canonical_variant(self.variant) == "full" else canonical_variant(self.variant)
        if self.root is not None:
            self.root = Path(self.root).expanduser().resolve()
        self.videos_dir = Path(self.videos_dir) if self.videos_dir else eatbench_home() / "videos"


@dataclass
class ClipOutcome:
    """What happened to one clip (passed to the progress callback)."""

    clip_id: str
    generated: bool  # False when the video came from the cache
    failed: str | None  # the generation error, if any
    computed: list[str] = field(default_factory=list)  # metrics computed now (the rest came from the cache)


@dataclass
class MetricSummary:
    name: str
    display: str
    higher_is_better: bool
    protocol: str
    value: float | None
    n_clips: int
    n_expected: int
    n_failed: int
    reason: str = ""  # why the value is missing (n/a)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunSummary:
    series: str
    label: str
    run_id: int
    n_clips: int  # in the series (all shards)
    n_shard: int  # handled by this process
    generated: int
    reused: int
    failed: dict[str, str]  # clip id -> error (this process)
    computed: int  # metric values computed by this process
    seconds: float
    metrics: list[MetricSummary]


# ------------------------------------------------------------------------------------------ resolution


def resolve_method(
    name: str, variant: str | None = None, weights: Path | None = None, from_folder: Path | None = None
) -> Method:
    """A method instance from the registry.

    ``variant`` selects an EAT-Face ablation: a method registered as ``<name>-<variant>`` when one
    exists, else the method constructed with ``variant=``. ``weights`` is passed as ``weights=``;
    ``from_folder`` builds the ingest method that scores videos made elsewhere.
    """
    from eatbench.methods import registry

    if from_folder is not None:
        return registry.get_method(name, from_folder=from_folder)
    options: dict[str, Any] = {} if weights is None else {"weights": weights}
    if variant is None:
        return registry.get_method(name, **options)
    combined = f"{name}-{variant}".lower()
    if combined in [n.lower() for n in registry.method_names()]:
        return registry.get_method(combined, **options)
    registry.get_method(name, **options)  # an unknown method name fails here, with suggestions
    try:
        return registry.get_method(name, variant=variant, **options)
    except EatbenchError as err:
        if "takes no option 'variant'" in str(err):
            raise EatbenchError(f"--method {name}: has no variants (asked for {variant!r})") from None
        raise


def resolve_metrics(names: tuple[str, ...] | None, profile: str) -> list[Metric]:
    """Metric instances for ``names`` (None: every registered metric), each with the judge profile."""
    from eatbench.metrics import registry

    keys = registry.parse_metric_list(",".join(names) if names is not None else None, profile)  # type: ignore[arg-type]
    return [registry.get_metric(k)(profile=profile) for k in keys]


def judge_hash(metric: Metric) -> str:
    """sha256 over the weight files a metric's judges load ('' when it needs none).

    Raises:
        MissingWeightsError: a needed file is absent.
    """
    if not metric.weights:
        return ""
    from eatbench.judges import weights as registry

    h = hashlib.sha256()
    params = inspect.signature(registry.resolve_weights).parameters
    for name in metric.weights:
        path = registry.resolve_weights(name, metric.profile) if len(params) > 1 else registry.resolve_weights(name)
        path = Path(getattr(path, "path", path))
        h.update(name.encode())
        h.update(_file_hash(path).encode())
    return h.hexdigest()


_HASH_MEMO: dict[tuple[str, int, int], str] = {}


def _file_hash(path: Path) -> str:
    """sha256 of a file (or of the files under a folder), memoised by path, size and mtime."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(q for q in path.rglob("*") if q.is_file()):
            h.update(str(p.relative_to(path)).encode())
            h.update(_file_hash(p).encode())
        return h.hexdigest()
    st = path.stat()
    memo = (str(path), st.st_size, st.st_mtime_ns)
    if memo not in _HASH_MEMO:
        _HASH_MEMO[memo] = sha256_file(path)
    return _HASH_MEMO[memo]


def shard_info() -> tuple[int, int]:
    """(process index, process count): from ``accelerate`` when launched by it, else (0, 1)."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0, 1
    from accelerate import PartialState

    state = PartialState(cpu=True) if not _has_accelerator() else PartialState()
    return state.process_index, state.num_processes


def _has_accelerator() -> bool:
    import torch

    return torch.cuda.is_available()


def _wait_for_everyone() -> None:
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:
        from accelerate import PartialState

        PartialState().wait_for_everyone()


def git_commit() -> str:
    here = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        )
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine_info() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    info: dict[str, Any] = {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
    }
    for pkg in ("torch", "numpy", "diffusers"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    if "CUDA_VISIBLE_DEVICES" in os.environ:
        info["cuda_visible_devices"] = os.environ["CUDA_VISIBLE_DEVICES"]
    return info


def video_key(
    method: Method,
    weights_hash: str,
    dataset: str,
    clip: Clip,
    emotion: str | None,
    seed: int,
    identity: Clip | None = None,
) -> str:
    """The generated video's cache key (the identity clip counts when it is not the clip itself)."""
    fields = {
        "method": method.name,
        "variant": getattr(method, "variant", None),
        "version": method.version,
        "weights": weights_hash,
        "dataset": dataset,
        "clip": clip.clip_id,
        "emotion": emotion,
        "seed": seed,
    }
    if identity is not None and identity.clip_id != clip.clip_id:
        fields["identity"] = identity.clip_id
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def _one_line(err: BaseException, limit: int = 500) -> str:
    text = " ".join(f"{type(err).__name__}: {err}".split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------- runner


class Runner:
    """Runs one series. Components are injected for tests and for callers that already hold them.

    Args:
        config: the run configuration.
        method: the method instance (default: resolved from ``config.method``/``config.variant``).
        clips: the clips (default: the dataset's split, ``limit`` of them via ``balanced_subset``).
        metrics: metric instances (default: resolved from ``config.metrics``).
        prepare: clip → prepared clip with ``frames``, ``audio`` and ``reference`` (default:
            :func:`eatbench.preprocess.prepare.prepare_clip`).
        progress: called after each clip with (done, total, outcome).
        shard: (index, count) of this process (default: :func:`shard_info`).
    """

    def __init__(
        self,
        config: RunConfig,
        *,
        method: Method | None = None,
        clips: list[Clip] | None = None,
        metrics: list[Metric] | None = None,
        prepare: Callable[[Clip], Any] | None = None,
        progress: Callable[[int, int, ClipOutcome], None] | None = None,
        shard: tuple[int, int] | None = None,
    ) -> None:
        self.config = config
        self.method = method
        self.clips = clips
        self.metrics = metrics
        self.prepare = prepare
        self.progress = progress
        self.shard = shard
        self.identity: dict[str, Clip] | None = None  # clip id → identity clip (set in setup)

    # ---------------------------------------------------------------------------------------- setup

    def setup(self) -> None:
        """Resolve the method, metrics and clips (idempotent); fails early on unknown names or no clips."""
        cfg = self.config
        # Unknown names fail before anything is generated.
        if self.method is None:
            self.method = resolve_method(cfg.method, cfg.variant, cfg.weights, cfg.from_folder)
        held = getattr(self.method, "variant", None)
        if cfg.variant is None and held is not None and canonical_variant(held) != "full":
            cfg.variant = held  # `--weights DIR` holds an ablation variant: the series is that variant's
        if self.metrics is None:
            self.metrics = resolve_metrics(cfg.metrics, cfg.profile or "official")
        if self.clips is None:
            from eatbench.datasets.registry import get_dataset

            adapter = get_dataset(cfg.dataset, cfg.root)
            clips = adapter.clips(cfg.split)
            if not clips:
                raise EatbenchError(
                    f"--dataset {cfg.dataset}: no clips in split {cfg.split!r} under {adapter.root}; "
                    "check --root and --split"
                )
            self.clips = balanced_subset(clips, cfg.limit)
            # Identities come from the whole split, so a --limit subset animates the same faces.
            self.identity = identity_clips(clips)
        if self.identity is None:
            self.identity = identity_clips(self.clips)
        if self.prepare is None:
            from eatbench.preprocess.prepare import prepare_clip

            self.prepare = prepare_clip
        if self.shard is None:
            self.shard = shard_info()
        avail = self.method.availability()
        if not avail.ok:
            raise EatbenchError(f"--method {self.method.name}: cannot run here: {avail.reason}")

    def series_key(self, weights_hash: str) -> str:
        cfg = self.config
        assert self.method is not None and self.clips is not None
        return hashlib.sha256(
            canonical_json(
                {
                    "method": self.method.name,
                    "variant": cfg.variant,
                    "version": self.method.version,
                    "weights": weights_hash,
                    "dataset": cfg.dataset.lower(),
                    "split": cfg.split,
                    "seed": cfg.seed,
                    "emotion": cfg.emotion,
                    "profile": cfg.profile,
                    "clips": [c.clip_id for c in self.clips],
                }
            ).encode()
        ).hexdigest()[:24]

    def _target_emotion(self, clip: Clip) -> str:
        return self.config.emotion or clip.emotion

    # ------------------------------------------------------------------------------------------ run

    def run(self) -> RunSummary:
        """Run the series (this process's shard of it) and return the summary."""
        t0 = time.perf_counter()
        # 1. Resolve the method, metrics and clips; fail early on unknown names or no clips.
        self.setup()
        cfg, method = self.config, self.method
        assert method is not None and self.clips is not None and self.metrics is not None and self.shard is not None
        store = ResultsStore(cfg.store)
        weights_hash = method.weights_hash()
        series = self.series_key(weights_hash)
        label = series_label(method.name, cfg.variant)
        emotion_of = {c.clip_id: (self._target_emotion(c) if method.emotion_controlled else None) for c in self.clips}
        assert self.identity is not None
        keys = {
            c.clip_id: video_key(
                method, weights_hash, cfg.dataset.lower(), c, emotion_of[c.clip_id], cfg.seed, self.identity[c.clip_id]
            )
            for c in self.clips
        }

        # 2. Record the series and this process's run.
        store.put_series(
            {
                "series": series,
                "label": label,
                "method": method.name,
                "variant": cfg.variant,
                "dataset": cfg.dataset.lower(),
                "split": cfg.split,
                "profile": cfg.profile,
                "seed": cfg.seed,
                "emotion": cfg.emotion,
                "config": {
                    **{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
                    "method_version": method.version,
                    # Which face each clip was generated from (eatbench.clip.identity_clips).
                    "identity": {c.clip_id: self.identity[c.clip_id].clip_id for c in self.clips},
                    "weights_hash": weights_hash,
                    "emotion_controlled": method.emotion_controlled,
                    "kind": getattr(method, "kind", "method"),
                    "display": getattr(method, "display", None),
                },
                "clips": [
                    {"clip_id": c.clip_id, "key": keys[c.clip_id], "emotion": self._target_emotion(c)}
                    for c in self.clips
                ],
            }
        )
        index, count = self.shard
        run_id = store.start_run(
            series=series,
            command=cfg.command,
            version=_version(),
            git_commit=git_commit(),
            config={k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
            profile=cfg.profile or "official",
            machine=machine_info(),
            shard=index,
            num_shards=count,
        )

        # 3. Metric cache keys; a metric whose judge weights are missing is n/a for this series.
        active: dict[str, tuple[Metric, MetricKey]] = {}
        for m in self.metrics:
            try:
                jh = judge_hash(m)
            except MissingWeightsError as err:
                store.set_unavailable(series, m.name, str(err))
                continue
            store.set_unavailable(series, m.name, None)
            active[m.name] = (m, MetricKey(m.name, m.protocol, jh, canonical_json(m.settings_key())))

        # 4. Generate and score this process's shard of the clips.
        mine = self.clips[index::count]
        generated = reused = computed = 0
        failed: dict[str, str] = {}
        status = "failed"
        try:
            for done, clip in enumerate(mine, 1):
                outcome = self._one_clip(
                    store, run_id, series, clip, keys[clip.clip_id], emotion_of[clip.clip_id], weights_hash, active
                )
                generated += outcome.generated
                reused += (not outcome.generated) and outcome.failed is None
                computed += len(outcome.computed)
                if outcome.failed:
                    failed[clip.clip_id] = outcome.failed
                if self.progress is not None:
                    self.progress(done, len(mine), outcome)
            status = "finished"
        finally:
            store.finish_run(run_id, status)

        # 5. Merge per-clip states over the whole series (every shard), in clip order.
        _wait_for_everyone()
        summaries = self.pool(store, series, run_id, active)
        return RunSummary(
            series=series,
            label=label,
            run_id=run_id,
            n_clips=len(self.clips),
            n_shard=len(mine),
            generated=generated,
            reused=reused,
            failed=failed,
            computed=computed,
            seconds=time.perf_counter() - t0,
            metrics=summaries,
        )

    def _one_clip(
        self,
        store: ResultsStore,
        run_id: int,
        series: str,
        clip: Clip,
        key: str,
        emotion: str | None,
        weights_hash: str,
        active: dict[str, tuple[Metric, MetricKey]],
    ) -> ClipOutcome:
        cfg, method = self.config, self.method
        assert method is not None and self.prepare is not None and cfg.videos_dir is not None
        prepared: list[Any] = []  # loaded at most once, only when something must be computed

        def prep() -> Any:
            if not prepared:
                prepared.append(self.prepare(clip))
            return prepared[0]

        # 1. The video: reuse an intact cached file, skip a recorded failure, or generate.
        row = store.get_video(key)
        generated = False
        if row is not None and row["status"] == "failed" and not cfg.retry_failed:
            return ClipOutcome(clip.clip_id, False, row["error"])
        if row is None or row["status"] != "ok" or not _intact(row):
            final = cfg.videos_dir / method.name / key[:2] / f"{key}.mkv"
            t0 = time.perf_counter()
            try:
                from eatbench.io import frames_for_audio

                with atomic_path(final) as tmp:
                    inp = GenerationInput(
                        clip=clip, identity=self.identity.get(clip.clip_id) if self.identity else None
                    )
                    out = Path(method.generate(inp, emotion, cfg.seed, tmp))
                    if out.resolve() != tmp.resolve():
                        os.replace(out, tmp)
                    check_output(tmp, frames_for_audio(prep().audio))
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as err:
                log.debug("generation failed for %s", clip.clip_id, exc_info=True)
                error = _one_line(err)
                store.put_video(
                    _video_row(method, cfg, weights_hash, clip, key, emotion, run_id)
                    | {"status": "failed", "error": error, "seconds": time.perf_counter() - t0}
                )
                return ClipOutcome(clip.clip_id, True, error)
            row = _video_row(method, cfg, weights_hash, clip, key, emotion, run_id) | {
                "status": "ok",
                "path": str(final),
                "video_hash": sha256_file(final),
                "seconds": time.perf_counter() - t0,
            }
            store.put_video(row)
            generated = True

        # 2. The metrics this video has no stored value for.
        stored = store.get_metric_values(row["video_hash"], [k for _, k in active.values()])
        todo = [
            (m, k)
            for name, (m, k) in active.items()
            if name not in stored or (cfg.retry_failed and stored[name]["status"] != "ok")
        ]
        if not todo:
            return ClipOutcome(clip.clip_id, generated, None)
        from eatbench.io import read_audio, read_video

        p = prep()
        sample = Sample(
            gen=read_video(row["path"]).frames,
            gt=p.frames,
            source=p.reference,
            # The generated video's own track (the contract muxes the clip's audio; shifted-audio delays it).
            audio=read_audio(row["path"]).int16,
            clip_id=clip.clip_id,
            emotion=self._target_emotion(clip),
        )
        results: list[dict[str, Any]] = []
        for m, k in todo:
            t0 = time.perf_counter()
            try:
                state = m.clip_state(sample)
                value = None if m.pooled else float(m.value(state))
                results.append({"key": k, "status": "ok", "state": state, "value": value})
            except MissingWeightsError as err:
                # The judge is absent: n/a for the whole series, never a per-clip failure.
                store.set_unavailable(series, m.name, str(err))
                del active[m.name]
                continue
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as err:
                log.debug("metric %s failed on %s", m.name, clip.clip_id, exc_info=True)
                results.append({"key": k, "status": "failed", "error": _one_line(err)})
            results[-1]["seconds"] = time.perf_counter() - t0
        store.put_metric_values(row["video_hash"], results, run_id)
        return ClipOutcome(clip.clip_id, generated, None, [r["key"].metric for r in results])

    def pool(
        self, store: ResultsStore, series: str, run_id: int | None, active: dict[str, tuple[Metric, MetricKey]]
    ) -> list[MetricSummary]:
        """Merge every clip's stored state per metric, in clip order, and store the pooled value."""
        assert self.clips is not None and self.metrics is not None
        entries = next(s for s in store.list_series() if s["series"] == series)["clips"]
        videos = store.get_videos([e["key"] for e in entries])
        unavailable = store.get_unavailable(series)
        out: list[MetricSummary] = []
        for m in self.metrics:
            if m.name not in active:
                out.append(_summary(m, None, 0, len(entries), 0, unavailable.get(m.name, "not computed")))
                continue
            _, key = active[m.name]
            states, n_failed = [], 0
            for e in entries:
                v = videos.get(e["key"])
                if v is None or v["status"] != "ok":
                    n_failed += v is not None
                    continue
                got = store.get_metric_values(v["video_hash"], [key]).get(m.name)
                if got is None:
                    continue
                if got["status"] != "ok":
                    n_failed += 1
                    continue
                states.append(unpack_state(got["state"]))
            value, extra, reason = None, {}, ""
            if states:
                merged = m.merge(states)
                try:
                    value = float(m.value(merged))
                    extra = m.details(merged)
                except (ValueError, ArithmeticError) as err:
                    reason = _one_line(err)
                store.put_pooled(
                    series,
                    key,
                    {
                        "state": merged,
                        "value": value,
                        "n_clips": len(states),
                        "n_expected": len(entries),
                        "n_failed": n_failed,
                        "extra": extra,
                    },
                    run_id,
                )
            else:
                reason = "no clip scored"
            out.append(_summary(m, value, len(states), len(entries), n_failed, reason, extra))
        return out


def _summary(m: Metric, value, n, expected, failed, reason="", extra=None) -> MetricSummary:
    return MetricSummary(
        m.name, m.display, m.higher_is_better, m.protocol, value, n, expected, failed, reason, extra or {}
    )


def _video_row(method: Method, cfg: RunConfig, weights_hash: str, clip: Clip, key: str, emotion, run_id) -> dict:
    return {
        "key": key,
        "method": method.name,
        "variant": cfg.variant,
        "method_version": method.version,
        "weights_hash": weights_hash,
        "dataset": cfg.dataset.lower(),
        "clip_id": clip.clip_id,
        "emotion": emotion,
        "seed": cfg.seed,
        "run_id": run_id,
    }


def _intact(row: dict[str, Any]) -> bool:
    """The stored file exists and still has the recorded content hash."""
    path = Path(row["path"] or "")
    return path.is_file() and _file_hash(path) == row["video_hash"]


def _version() -> str:
    from eatbench import __version__

    return __version__
