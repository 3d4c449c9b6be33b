"""The runner: caching by content, failures recorded per clip, pooled values equal a direct pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import runner_fakes as fakes

from eatbench.errors import EatbenchError
from eatbench.io import read_video
from eatbench.methods.registry import resolve_variant
from eatbench.run import RunConfig, Runner, series_label
from eatbench.store import ResultsStore


def _run(tmp_path: Path, corpus: Path, method=None, metrics=("fake-mae", "fake-std"), **cfg):
    config = RunConfig(
        method="noisy-copy",
        dataset="fake",
        store=tmp_path / "results.db",
        videos_dir=tmp_path / "videos",
        profile="demo",
        **cfg,
    )
    method = method or fakes.NoisyCopy()
    ms = [fakes.FAKE_METRICS[m](profile="demo") for m in metrics]
    seen = []
    summary = Runner(
        config,
        method=method,
        clips=fakes.load_corpus(corpus),
        metrics=ms,
        prepare=fakes.prepare,
        progress=lambda done, total, outcome: seen.append((done, total, outcome)),
        check_face=False,
    ).run()
    return summary, method, seen


def _values(summary) -> dict[str, float | None]:
    return {m.name: m.value for m in summary.metrics}


def test_second_identical_run_computes_nothing(tmp_path, corpus):
    fakes.MeanAbsError.calls = fakes.PooledStd.calls = 0
    first, m1, seen = _run(tmp_path, corpus)
    assert m1.calls == 6 and first.generated == 6 and first.computed == 12
    assert [s[0] for s in seen] == list(range(1, 7)) and seen[-1][1] == 6
    assert fakes.MeanAbsError.calls == 6 and fakes.PooledStd.calls == 6

    second, m2, _ = _run(tmp_path, corpus)
    assert m2.calls == 0 and second.generated == 0 and second.reused == 6 and second.computed == 0
    assert fakes.MeanAbsError.calls == 6 and fakes.PooledStd.calls == 6
    assert _values(first) == _values(second)
    assert second.series == first.series


def test_adding_a_metric_computes_only_that_metric(tmp_path, corpus):
    fakes.MeanAbsError.calls = fakes.PooledStd.calls = 0
    _run(tmp_path, corpus, metrics=("fake-mae",))
    assert fakes.MeanAbsError.calls == 6 and fakes.PooledStd.calls == 0
    summary, method, _ = _run(tmp_path, corpus, metrics=("fake-mae", "fake-std"))
    assert method.calls == 0
    assert fakes.MeanAbsError.calls == 6 and fakes.PooledStd.calls == 6
    assert summary.computed == 6


def test_values_equal_a_direct_numpy_pass(tmp_path, corpus):
    summary, _, _ = _run(tmp_path, corpus)
    store = ResultsStore(tmp_path / "results.db")
    videos = [v for v in store.list_videos() if v["status"] == "ok"]
    assert len(videos) == 6
    gens, diffs = [], []
    by_clip = {c.clip_id: c for c in fakes.load_corpus(corpus)}
    for v in videos:
        gen = read_video(v["path"]).frames.astype(np.float64)
        gt = read_video(by_clip[v["clip_id"]].video).frames.astype(np.float64)
        gens.append(gen.ravel())
        diffs.append(np.abs(gen - gt).ravel())
    expected_mae = np.concatenate(diffs).mean()
    expected_std = np.concatenate(gens).std()
    got = _values(summary)
    assert got["fake-mae"] == pytest.approx(expected_mae, rel=1e-12)
    assert got["fake-std"] == pytest.approx(expected_std, rel=1e-9)
    # the emotion reached the method: angry clips got the smallest noise
    assert 0 < got["fake-mae"] < 8


def test_seed_and_emotion_are_part_of_the_video_key(tmp_path, corpus):
    _run(tmp_path, corpus)
    again, m, _ = _run(tmp_path, corpus, seed=1)
    assert m.calls == 6 and again.generated == 6
    forced, m, _ = _run(tmp_path, corpus, emotion="sad")
    # clips already labelled sad reuse their video; the others are generated for the new emotion
    assert m.calls == 4 and forced.reused == 2


def test_a_crashing_clip_is_recorded_and_the_run_goes_on(tmp_path, corpus):
    bad = fakes.load_corpus(corpus)[2].clip_id
    summary, _, _ = _run(tmp_path, corpus, method=fakes.NoisyCopy(crash_on=(bad,)))
    assert list(summary.failed) == [bad] and "upstream crashed" in summary.failed[bad]
    mae = next(m for m in summary.metrics if m.name == "fake-mae")
    assert (mae.n_clips, mae.n_expected, mae.n_failed) == (5, 6, 1)
    row = next(v for v in ResultsStore(tmp_path / "results.db").list_videos() if v["clip_id"] == bad)
    assert row["status"] == "failed" and "RuntimeError" in row["error"]
    # a rerun keeps the recorded failure; --retry-failed tries again
    _, m2, _ = _run(tmp_path, corpus, method=fakes.NoisyCopy(crash_on=(bad,)))
    assert m2.calls == 0
    fixed, m3, _ = _run(tmp_path, corpus, retry_failed=True)
    assert m3.calls == 1 and fixed.failed == {}
    assert next(m for m in fixed.metrics if m.name == "fake-mae").n_clips == 6


def test_a_damaged_video_is_regenerated(tmp_path, corpus):
    first, _, _ = _run(tmp_path, corpus)
    victim = ResultsStore(tmp_path / "results.db").list_videos()[0]
    Path(victim["path"]).write_bytes(b"bit rot")
    second, m, _ = _run(tmp_path, corpus)
    assert m.calls == 1 and _values(second) == _values(first)


def test_bad_config_fails_early_with_one_line():
    with pytest.raises(EatbenchError, match="did you mean 'w/o-EVE'"):
        RunConfig(method="eatface", dataset="demo", variant="w/o-EV")
    with pytest.raises(EatbenchError, match=r"--emotion 'hapy'.*did you mean 'happy'"):
        RunConfig(method="x", dataset="demo", emotion="hapy")
    with pytest.raises(EatbenchError, match="--limit 0"):
        RunConfig(method="x", dataset="demo", limit=0)
    assert resolve_variant("eatface", "W/O-fec") == "w/o-FEC" and resolve_variant("eatface", "Ours") is None
    assert RunConfig(method="eatface", dataset="demo", variant="full").variant is None
    assert series_label("eatface", "full") == "eatface"
    assert series_label("eatface", "w/o-Emo") == "eatface[w/o-Emo]"


class _RecordsIdentity(fakes.NoisyCopy):
    """NoisyCopy that records which identity clip the runner hands it for each clip."""

    emotions = ("angry", "happy", "sad", "neutral")

    def __init__(self) -> None:
        super().__init__()
        self.identities: dict[str, str] = {}

    def generate(self, inp, emotion, seed, out_path):
        self.identities[inp.clip.clip_id] = inp.identity_clip.clip_id
        return super().generate(inp, "angry" if emotion == "neutral" else emotion, seed, out_path)


def test_every_clip_is_generated_from_its_actors_neutral_face(tmp_path, corpus):
    from dataclasses import replace

    # Two actors; A00 has a neutral clip (the second one), A01 has none.
    emotions = ("angry", "neutral", "happy", "sad", "angry", "happy")
    clips = [
        replace(c, actor="A00" if i < 3 else "A01", emotion=emotions[i], sentence=f"{i:03d}")
        for i, c in enumerate(fakes.load_corpus(corpus))
    ]
    method = _RecordsIdentity()
    config = RunConfig(
        method="noisy-copy", dataset="fake", store=tmp_path / "r.db", videos_dir=tmp_path / "v", profile="demo", limit=4
    )
    runner = Runner(config, method=method, clips=clips, metrics=[], prepare=fakes.prepare, check_face=False)
    runner.run()
    neutral = clips[1].clip_id
    for c in runner.clips:
        assert method.identities[c.clip_id] == (neutral if c.actor == "A00" else c.clip_id)
    # the identity is part of the video key: the same clip from another face is another video
    from eatbench.run import video_key

    assert video_key(method, "w", "fake", clips[0], "angry", 0, clips[1]) != video_key(
        method, "w", "fake", clips[0], "angry", 0, clips[0]
    )
    assert video_key(method, "w", "fake", clips[0], "angry", 0, clips[0]) == video_key(
        method, "w", "fake", clips[0], "angry", 0
    )


def test_the_preprocessing_version_is_part_of_the_video_key(monkeypatch, corpus):
    """Methods read the prepared inputs: a video made from clips prepared by older rules is not reused."""
    from eatbench.preprocess import prepare
    from eatbench.run import video_key

    clips = fakes.load_corpus(corpus)
    method = fakes.NoisyCopy()
    before = video_key(method, "w", "fake", clips[0], "angry", 0)
    monkeypatch.setattr(prepare, "PREP_VERSION", prepare.PREP_VERSION + "-next")
    assert video_key(method, "w", "fake", clips[0], "angry", 0) != before
