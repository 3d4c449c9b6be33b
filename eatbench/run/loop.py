"""The run loop: generate → check the output contract → score → store, with caching and resume.

For every clip of a series (a method, variant, dataset split, seed and emotion rule):

1. the generated video is looked up by its cache key (:func:`~eatbench.run.provenance.video_key`);
   a stored, intact file is reused, otherwise the method generates it into the run's temporary
   folder, the output contract is checked, and it is moved into ``$EATBENCH_HOME/videos/`` and
   recorded (a failure is recorded with its error and kind);
2. every metric is looked up by ``(video hash, metric, protocol, judge weights hash, settings)``;
   only the missing ones are computed, and one clip's results are stored in one transaction;
3. at the end, each metric's per-clip states are merged over the whole series in clip order
   (:func:`~eatbench.run.summary.pool`), so a resumed or sharded run gives exactly the numbers of one pass.

A run killed at any point (SIGKILL included) loses at most the clip in flight: files are moved into
place only when complete, and the database is the record of what finished.

Example:
    >>> cfg = RunConfig(method="static-frame", dataset="demo", limit=2)  # doctest: +SKIP
    >>> summary = Runner(cfg).run()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eatbench.clip import Clip, balanced_subset, identity_clips
from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.methods.base import GenerationInput, Method, check_output
from eatbench.metrics.base import Metric, Sample
from eatbench.paths import atomic_path, sha256_file
from eatbench.run import provenance
from eatbench.run.config import RunConfig, series_label
from eatbench.run.shard import my_clips, shard_info, wait_for_everyone
from eatbench.run.summary import ClipOutcome, RunSummary, one_line, pool
from eatbench.store import MetricKey, MetricValue, ResultsStore, SeriesClip, SeriesRecord, VideoRecord, canonical_json

log = logging.getLogger(__name__)


def resolve_metrics(names: tuple[str, ...] | None, profile: str) -> list[Metric]:
    """Metric instances for ``names`` (None: every registered metric), each with the judge profile."""
    from eatbench.metrics import registry

    keys = registry.parse_metric_list(",".join(names) if names is not None else None, profile)  # type: ignore[arg-type]
    return [registry.get_metric(k)(profile=profile) for k in keys]


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
        shard: (index, count) of this process (default: :func:`~eatbench.run.shard.shard_info`).
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

    def setup(self) -> None:
        """Resolve the method, metrics and clips (idempotent); fails early on unknown names or no clips."""
        cfg = self.config
        if self.method is None:
            from eatbench.methods.registry import resolve_method

            self.method = resolve_method(cfg.method, cfg.variant, weights=cfg.weights, from_folder=cfg.from_folder)
        if cfg.variant is None:
            # `--weights DIR` holding an ablation variant, or `--method eatface-w/o-eve`: that variant's series.
            cfg.variant = self.method.series_variant
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

    def target_emotion(self, clip: Clip) -> str:
        """The emotion a clip is generated for: the run's ``--emotion``, else the clip's label."""
        return self.config.emotion or clip.emotion

    def run(self) -> RunSummary:
        """Run the series (this process's shard of it) and return the summary."""
        t0 = time.perf_counter()
        # 1. Resolve the method, metrics and clips; fail early on unknown names or no clips.
        self.setup()
        cfg, method, clips, identity = self.config, self.method, self.clips, self.identity
        assert method is not None and clips is not None and identity is not None and self.shard is not None
        store = ResultsStore(cfg.store)
        weights_hash = method.weights_hash()
        series = provenance.series_key(
            method, cfg.variant, weights_hash, cfg.dataset, cfg.split, cfg.seed, cfg.emotion, cfg.profile, clips
        )
        emotion_of = {c.clip_id: (self.target_emotion(c) if method.emotion_controlled else None) for c in clips}
        keys = {
            c.clip_id: provenance.video_key(
                method, weights_hash, cfg.dataset.lower(), c, emotion_of[c.clip_id], cfg.seed, identity[c.clip_id]
            )
            for c in clips
        }

        # 2. Record the series and this process's run.
        config = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()}
        store.put_series(
            SeriesRecord(
                series=series,
                label=series_label(method.name, cfg.variant),
                method=method.name,
                variant=cfg.variant,
                dataset=cfg.dataset.lower(),
                split=cfg.split,
                profile=cfg.profile or "official",
                seed=cfg.seed,
                emotion=cfg.emotion,
                config={
                    **config,
                    "method_version": method.version,
                    # Which face each clip was generated from (eatbench.clip.identity_clips).
                    "identity": {c.clip_id: identity[c.clip_id].clip_id for c in clips},
                    "weights_hash": weights_hash,
                    "emotion_controlled": method.emotion_controlled,
                    "clip_dataset": clips[0].dataset,  # the corpus read (demo, for the MEAD adapter on it)
                    "kind": getattr(method, "kind", "method"),
                    "display": getattr(method, "display", None),
                },
                clips=tuple(SeriesClip(c.clip_id, keys[c.clip_id], self.target_emotion(c)) for c in clips),
            )
        )
        index, count = self.shard
        run_id = store.start_run(
            series=series,
            command=cfg.command,
            version=provenance.eatbench_version(),
            git_commit=provenance.git_commit(),
            config=config,
            profile=cfg.profile or "official",
            machine=provenance.machine_info(),
            shard=index,
            num_shards=count,
        )

        # 3. Metric cache keys; a metric whose judge weights are missing is n/a for this series.
        active: dict[str, tuple[Metric, MetricKey]] = {}
        for m in self.metrics or []:
            try:
                jh = provenance.judge_hash(m)
            except MissingWeightsError as err:
                store.set_unavailable(series, m.name, str(err))
                continue
            store.set_unavailable(series, m.name, None)
            active[m.name] = (m, MetricKey(m.name, m.protocol, jh, canonical_json(m.settings_key())))

        # 4. Generate and score this process's shard of the clips.
        mine = my_clips(clips, index, count)
        generated = reused = computed = 0
        failed: dict[str, str] = {}
        status = "failed"
        try:
            for done, clip in enumerate(mine, 1):
                ctx = _Clip(clip, keys[clip.clip_id], emotion_of[clip.clip_id], weights_hash, run_id, series)
                outcome = self._one_clip(store, ctx, active)
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
        wait_for_everyone()
        summaries = pool(store, series, self.metrics or [], active, run_id)
        return RunSummary(
            series=series,
            label=series_label(method.name, cfg.variant),
            run_id=run_id,
            n_clips=len(clips),
            n_shard=len(mine),
            generated=generated,
            reused=reused,
            failed=failed,
            computed=computed,
            seconds=time.perf_counter() - t0,
            metrics=summaries,
            variant=cfg.variant,
        )

    def _one_clip(self, store: ResultsStore, ctx: _Clip, active: dict[str, tuple[Metric, MetricKey]]) -> ClipOutcome:
        cfg, clip = self.config, ctx.clip
        prepared: list[Any] = []  # loaded at most once, only when something must be computed

        def prep() -> Any:
            if not prepared:
                prepared.append(self.prepare(clip))  # type: ignore[misc]
            return prepared[0]

        # 1. The video: reuse an intact cached file, skip a recorded failure, or generate.
        row = store.get_video(ctx.key)
        generated = False
        if row is not None and row.status == "failed" and not cfg.retry_failed:
            return ClipOutcome(clip.clip_id, False, row.error)
        if row is None or row.status != "ok" or not _intact(row):
            row = self._generate(store, ctx, prep)
            if row.status != "ok":
                return ClipOutcome(clip.clip_id, True, row.error)
            generated = True
        assert row.path is not None and row.video_hash is not None

        # 2. The metrics this video has no stored value for.
        stored = store.get_metric_values(row.video_hash, [k for _, k in active.values()])
        todo = [
            (m, k)
            for name, (m, k) in active.items()
            if name not in stored or (cfg.retry_failed and stored[name].status != "ok")
        ]
        if not todo:
            return ClipOutcome(clip.clip_id, generated, None)
        from eatbench.io import read_audio, read_video

        p = prep()
        sample = Sample(
            gen=read_video(row.path).frames,
            gt=p.frames,
            source=p.reference,
            # The generated video's own track (the contract muxes the clip's audio; shifted-audio delays it).
            audio=read_audio(row.path).int16,
            clip_id=clip.clip_id,
            emotion=self.target_emotion(clip),
        )
        results: list[MetricValue] = []
        for m, k in todo:
            t0 = time.perf_counter()
            try:
                state = m.clip_state(sample)
                value = None if m.pooled else float(m.value(state))
                results.append(MetricValue(k, "ok", state, value, seconds=time.perf_counter() - t0))
            except MissingWeightsError as err:
                # The judge is absent: n/a for the whole series, never a per-clip failure.
                store.set_unavailable(ctx.series, m.name, str(err))
                del active[m.name]
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as err:
                log.debug("metric %s failed on %s", m.name, clip.clip_id, exc_info=True)
                results.append(MetricValue(k, "failed", error=one_line(err), seconds=time.perf_counter() - t0))
        store.put_metric_values(row.video_hash, results, ctx.run_id)
        return ClipOutcome(clip.clip_id, generated, None, [r.key.metric for r in results])

    def _generate(self, store: ResultsStore, ctx: _Clip, prep: Callable[[], Any]) -> VideoRecord:
        """Generate one clip's video, check it, move it into place and record it (or its failure)."""
        cfg, method, clip = self.config, self.method, ctx.clip
        assert method is not None and cfg.videos_dir is not None
        final = cfg.videos_dir / method.name / ctx.key[:2] / f"{ctx.key}.mkv"
        base = {
            "key": ctx.key,
            "method": method.name,
            "variant": cfg.variant,
            "method_version": method.version,
            "weights_hash": ctx.weights_hash,
            "dataset": cfg.dataset.lower(),
            "clip_id": clip.clip_id,
            "emotion": ctx.emotion,
            "seed": cfg.seed,
            "run_id": ctx.run_id,
        }
        t0 = time.perf_counter()
        try:
            from eatbench.io import frames_for_audio

            with atomic_path(final) as tmp:
                inp = GenerationInput(clip=clip, identity=(self.identity or {}).get(clip.clip_id))
                out = Path(method.generate(inp, ctx.emotion, cfg.seed, tmp))
                if out.resolve() != tmp.resolve():
                    os.replace(out, tmp)
                check_output(tmp, frames_for_audio(prep().audio))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as err:
            log.debug("generation failed for %s", clip.clip_id, exc_info=True)
            record = VideoRecord(**base, status="failed", error=one_line(err), seconds=time.perf_counter() - t0)
            store.put_video(record)
            return record
        record = VideoRecord(
            **base,
            status="ok",
            path=str(final),
            video_hash=sha256_file(final),
            seconds=time.perf_counter() - t0,
        )
        store.put_video(record)
        return record


class _Clip:
    """One clip of the loop with its cache key, target emotion and the run it belongs to."""

    __slots__ = ("clip", "emotion", "key", "run_id", "series", "weights_hash")

    def __init__(self, clip: Clip, key: str, emotion: str | None, weights_hash: str, run_id: int, series: str):
        self.clip, self.key, self.emotion = clip, key, emotion
        self.weights_hash, self.run_id, self.series = weights_hash, run_id, series


def _intact(row: VideoRecord) -> bool:
    """The stored file exists and still has the recorded content hash."""
    path = Path(row.path or "")
    return path.is_file() and provenance.file_hash(path) == row.video_hash
