"""`eatbench run --workers N`: N processes, every n-th clip each, one store: the numbers of one process."""

from __future__ import annotations

from pathlib import Path

import runner_fakes as fakes

from eatbench.run import RunConfig, Runner
from eatbench.store import ResultsStore


def _run(root: Path, corpus: Path, workers: int):
    config = RunConfig(method="noisy-copy", dataset="fake", store=root / "r.db", videos_dir=root / "v",
                       profile="demo", workers=workers)  # fmt: skip
    metrics = [fakes.MeanAbsError(profile="demo"), fakes.PooledStd(profile="demo")]
    seen = []
    runner = Runner(config, method=fakes.NoisyCopy(), clips=fakes.load_corpus(corpus), metrics=metrics,
                    prepare=fakes.prepare, check_face=False, progress=lambda d, t, o: seen.append(d))  # fmt: skip
    return runner.run(), seen


def _stored(db: Path) -> tuple[dict, dict]:
    s = ResultsStore(db, readonly=True)
    videos = {v.clip_id: v.video_hash for v in s.list_videos()}
    per_clip = {(v.video_hash, v.metric): v.value for v in s.list_metric_values()}
    series = s.list_series()[0].series
    pooled = {m: (p.value, p.n_clips, p.state) for m, p in s.get_pooled(series).items()}
    return {c: {m: per_clip[(h, m)] for (hh, m) in per_clip if hh == h} for c, h in videos.items()}, pooled


def test_two_workers_store_the_values_of_one_process(tmp_path, corpus):
    one, _ = _run(tmp_path / "one", corpus, 1)
    two, seen = _run(tmp_path / "two", corpus, 2)
    assert _stored(tmp_path / "one" / "r.db") == _stored(tmp_path / "two" / "r.db")
    assert [(m.name, m.value) for m in two.metrics] == [(m.name, m.value) for m in one.metrics]
    assert (two.generated, two.n_shard, two.computed, two.failed) == (6, 6, 12, {})
    assert sorted(seen) == list(range(1, 7))  # every worker's clips reached the progress callback
    runs = ResultsStore(tmp_path / "two" / "r.db", readonly=True).list_runs()
    assert sorted((r.shard, r.num_shards, r.status) for r in runs) == [(0, 2, "finished"), (1, 2, "finished")]
    assert len({r.pid for r in runs}) == 2  # processes, not threads
