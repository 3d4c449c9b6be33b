"""The run loop: generate → check the output contract → score → store, with caching and resume.

For every clip of a series (a method, variant, dataset split, seed and emotion rule):

1. the generated video is looked up by its cache key (:func:`~eatbench.run.provenance.video_key`);
   a stored, intact file is reused, otherwise :func:`~eatbench.methods.contract.run_method` (the one
   generation path: input resolved once, output contract and face checked, sidecar written) generates
   it into the run's temporary folder, and it is moved into ``$EATBENCH_HOME/videos/`` and recorded.
   A failure is recorded with its error and kind; only a deterministic one (crash, contract, no-face)
   is reused by later runs, every other (the environment, a missing input) is tried again. A user
   error inside the method (a missing checkpoint, a wrong variant) stops the run with one line;
2. every metric is looked up by ``(video hash, metric, protocol, judge weights hash, settings)``;
   only the missing ones are computed, and one clip's results are stored in one transaction;
3. at the end, each metric's per-clip states are merged over the whole series in clip order
   (:func:`~eatbench.run.summary.pool`), so a resumed or sharded run gives exactly the numbers of one pass.

A run killed at any point (SIGKILL included) loses at most the clip in flight: files are moved into
place only when complete, and the database is the record of what finished. The run's temporary
folder is removed when it ends, or when the store, next opened, finds its process dead.

Example:
    >>> cfg = RunConfig(method="static-frame", dataset="demo", limit=2)  # doctest: +SKIP
    >>> summary = Runner(cfg).run()  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from eatbench.clip import Clip, balanced_subset, identity_clips
from eatbench.errors import EatbenchError, InputError, MissingWeightsError
from eatbench.methods.base import Method
from eatbench.methods.contract import DETERMINISTIC, GenerationFailed, run_method
from eatbench.methods.inputs import GenerationInput
from eatbench.metrics.base import Metric, Sample
from eatbench.paths import sha256_file
from eatbench.run import provenance
from eatbench.run.config import RunConfig, resolve_metrics, series_label
from eatbench.run.shard import my_clips, shard_info, wait_for_everyone
from eatbench.run.summary import ClipOutcome, RunSummary, active_metrics, one_line, pool
from eatbench.store import MetricKey, MetricValue, ResultsStore, VideoRecord

log = logging.getLogger(__name__)

SCRATCH = ".scratch"  # under the videos folder: one temporary folder per running process


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
        check_face: the output contract's face check (off only for test methods that draw no face).
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
        check_face: bool = True,
    ) -> None:
        self.config = config
        self.check_face = check_face
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

            self.method = resolve_method(
                cfg.method, cfg.variant, weights=cfg.weights, from_folder=cfg.from_folder, layout=cfg.layout
            )
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

    def run(self, pool_series: bool = True) -> RunSummary:
        """Run the series (this process's shard of it) and return the summary.

        Args:
            pool_series: merge the whole series at the end (False: a worker whose parent pools).

        Raises:
            EatbenchError: a problem that concerns every clip (an unknown name, a missing checkpoint,
                a variant the weights do not hold): the run stops, recorded as ``failed`` with the reason.
        """
        t0 = time.perf_counter()
        # 1. Resolve the method, metrics and clips; fail early on unknown names or no clips.
        self.setup()
        cfg, method, clips, identity = self.config, self.method, self.clips, self.identity
        assert method is not None and clips is not None and identity is not None and self.shard is not None
        if cfg.workers > 1 and self.shard == (0, 1):
            from eatbench.run.workers import run_with_workers

            return run_with_workers(self)
        store = ResultsStore(cfg.store)
        weights_hash = method.weights_hash()
        series = provenance.series_key(
            method, cfg.variant, weights_hash, cfg.dataset, cfg.split, cfg.seed, cfg.emotion, cfg.profile, clips
        )
        emotion_of = {c.clip_id: (self.target_emotion(c) if method.emotion_controlled else None) for c in clips}
        keys = {
            c.clip_id: provenance.video_key(
                method,
                weights_hash,
                cfg.dataset.lower(),
                c,
                emotion_of[c.clip_id],
                cfg.seed,
                identity[c.clip_id],
                method.input_key(GenerationInput(clip=c, identity=identity[c.clip_id])),
            )
            for c in clips
        }

        # 2. Record the series and this process's run (with its temporary folder).
        config = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()}
        store.put_series(
            provenance.series_record(
                series, method, cfg, config, weights_hash, clips, identity, keys, self.target_emotion
            )
        )
        assert cfg.videos_dir is not None
        (cfg.videos_dir / SCRATCH).mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=cfg.videos_dir / SCRATCH))
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
            scratch=scratch,
        )

        # 3. Metric cache keys; a metric whose judge weights are missing is n/a for this series.
        active = active_metrics(store, series, self.metrics or [])

        # 4. Generate and score this process's shard of the clips.
        mine = my_clips(clips, index, count)
        generated = reused = computed = 0
        failed: dict[str, str] = {}
        reused_failures: list[str] = []
        status, error = "failed", None
        try:
            for done, clip in enumerate(mine, 1):
                ctx = _Clip(clip, keys[clip.clip_id], emotion_of[clip.clip_id], weights_hash, run_id, series, scratch)
                outcome = self._one_clip(store, ctx, active)
                generated += outcome.generated
                reused += (not outcome.generated) and outcome.failed is None
                computed += len(outcome.computed)
                if outcome.failed:
                    failed[clip.clip_id] = outcome.failed
                if outcome.reused_failure:
                    reused_failures.append(clip.clip_id)
                if self.progress is not None:
                    self.progress(done, len(mine), outcome)
            status = "finished"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        except EatbenchError as err:  # concerns every clip: stop here, with the reason
            error = str(err)
            raise
        finally:
            store.finish_run(run_id, status, len(failed), error)
            shutil.rmtree(scratch, ignore_errors=True)

        # 5. Merge per-clip states over the whole series (every shard), in clip order.
        summaries = []
        if pool_series:
            wait_for_everyone()
            summaries = pool(store, series, self.metrics or [], active, run_id)
        store.close()
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
            reused_failures=reused_failures,
            variant=cfg.variant,
        )

    def _one_clip(self, store: ResultsStore, ctx: _Clip, active: dict[str, tuple[Metric, MetricKey]]) -> ClipOutcome:
        cfg, clip = self.config, ctx.clip
        prepared: dict[str, Any] = {}  # each clip loaded at most once (generation and scoring share it)

        def prepare(c: Clip) -> Any:
            if c.clip_id not in prepared:
                prepared[c.clip_id] = self.prepare(c)  # type: ignore[misc]
            return prepared[c.clip_id]

        def prep() -> Any:
            return prepare(clip)

        # 1. The video: reuse an intact cached file or a deterministic failure; otherwise generate.
        row = store.get_video(ctx.key)
        generated = False
        if row is not None and row.status == "failed" and row.failure in DETERMINISTIC and not cfg.retry_failed:
            return ClipOutcome(clip.clip_id, False, row.error, reused_failure=True)
        if row is None or row.status != "ok" or not provenance.intact(row):
            row = self._generate(store, ctx, prepare)
            if row.status != "ok":
                return ClipOutcome(clip.clip_id, True, row.error)
            generated = True
        assert row.path is not None and row.video_hash is not None

        # 2. The metrics this video has no stored value for (or only a failure worth retrying).
        stored = store.get_metric_values(row.video_hash, [k for _, k in active.values()])
        todo = [
            (m, k)
            for name, (m, k) in active.items()
            if name not in stored
            or (stored[name].status != "ok" and (cfg.retry_failed or stored[name].failure not in DETERMINISTIC))
        ]
        redo = {m.name for m, _ in todo}
        failures = [f"{n}: {v.error}" for n, v in stored.items() if v.status != "ok" and n not in redo]
        if not todo:
            return ClipOutcome(clip.clip_id, generated, "; ".join(failures) or None, reused_failure=bool(failures))
        from eatbench.io import read_audio, read_video

        p = prep()
        gen = read_video(row.path).frames
        if len(gen) < len(p.frames):  # e.g. stored by an older contract: never score half a clip
            error = f"{row.path}: cut short: {len(gen)} frames, the reference has {len(p.frames)}"
            store.put_video(replace(row, status="failed", error=error, failure="contract", run_id=ctx.run_id))
            return ClipOutcome(clip.clip_id, generated, error)
        sample = Sample(
            gen=gen,
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
                kind = "environment" if isinstance(err, (OSError, MemoryError)) else "crash"
                results.append(
                    MetricValue(k, "failed", error=one_line(err), failure=kind, seconds=time.perf_counter() - t0)
                )
                failures.append(f"{m.name}: {one_line(err)}")
        store.put_metric_values(row.video_hash, results, ctx.run_id)
        return ClipOutcome(clip.clip_id, generated, "; ".join(failures) or None, [r.key.metric for r in results])

    def _generate(self, store: ResultsStore, ctx: _Clip, prepare: Callable[[Clip], Any]) -> VideoRecord:
        """Generate one clip's video through the one generation path, move it into place and record
        it, or record its failure (a user error concerning every clip propagates and stops the run)."""
        cfg, method, clip = self.config, self.method, ctx.clip
        assert method is not None and cfg.videos_dir is not None
        final = cfg.videos_dir / method.name / ctx.key[:2] / f"{ctx.key}.mkv"
        base = VideoRecord(
            key=ctx.key,
            method=method.name,
            variant=method.variant,
            method_version=method.version,
            weights_hash=ctx.weights_hash,
            dataset=cfg.dataset.lower(),
            clip_id=clip.clip_id,
            emotion=ctx.emotion,
            seed=cfg.seed,
            status="failed",
            run_id=ctx.run_id,
        )
        t0 = time.perf_counter()
        tmp = ctx.scratch / f"{ctx.key}.mkv"
        inp = GenerationInput(clip=clip, identity=(self.identity or {}).get(clip.clip_id))
        try:
            run_method(
                method,
                inp,
                ctx.emotion,
                cfg.seed,
                tmp,
                check_face=self.check_face,
                prepare=prepare,
                weights_hash=ctx.weights_hash,
            )
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp.with_suffix(".json"), final.with_suffix(".json"))
            os.replace(tmp, final)  # the video last: a file at its final path is always complete
            video_hash = sha256_file(final)
        except GenerationFailed as err:
            return self._failed(store, base, err.kind, str(err), t0)
        except InputError as err:  # this clip's input: a missing file may be supplied later
            return self._failed(store, base, "input", str(err), t0)
        except OSError as err:  # disk full, permissions: the environment, retried by the next run
            return self._failed(store, base, "environment", one_line(err), t0)
        record = replace(base, status="ok", path=str(final), video_hash=video_hash, seconds=time.perf_counter() - t0)
        store.put_video(record)
        return record

    def _failed(self, store: ResultsStore, base: VideoRecord, kind: str, error: str, t0: float) -> VideoRecord:
        log.debug("generation failed for %s (%s): %s", base.clip_id, kind, error)
        record = replace(base, error=error, failure=kind, seconds=time.perf_counter() - t0)
        store.put_video(record)
        return record


class _Clip:
    """One clip of the loop with its cache key, target emotion and the run it belongs to."""

    __slots__ = ("clip", "emotion", "key", "run_id", "scratch", "series", "weights_hash")

    def __init__(
        self, clip: Clip, key: str, emotion: str | None, weights_hash: str, run_id: int, series: str, scratch: Path
    ) -> None:
        self.clip, self.key, self.emotion = clip, key, emotion
        self.weights_hash, self.run_id, self.series, self.scratch = weights_hash, run_id, series, scratch
