"""Failures are not cached as facts; a user error stops the run; cut-short videos are never scored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import runner_fakes as fakes

from eatbench.errors import MissingWeightsError
from eatbench.io import read_audio, read_video, write_video
from eatbench.run import RunConfig, Runner, failures_error
from eatbench.store import ResultsStore


def _run(tmp_path: Path, corpus: Path, method, **cfg):
    config = RunConfig(method="noisy-copy", dataset="fake", store=tmp_path / "r.db", videos_dir=tmp_path / "v",
                       profile="demo", **cfg)  # fmt: skip
    runner = Runner(config, method=method, clips=fakes.load_corpus(corpus), metrics=[fakes.MeanAbsError(profile="demo")],
                    prepare=fakes.prepare, check_face=False)  # fmt: skip
    return runner.run()


class _Flaky(fakes.NoisyCopy):
    """The environment fails on chosen clips (a full disk): an OSError inside generate."""

    def __init__(self, fail_on=()):
        super().__init__()
        self.fail_on = fail_on

    def generate(self, inp, emotion, seed, out_path):
        if inp.clip.clip_id in self.fail_on:
            raise OSError(28, "No space left on device")
        return super().generate(inp, emotion, seed, out_path)


def test_an_environment_failure_is_retried_by_the_same_command(tmp_path, corpus):
    bad = fakes.load_corpus(corpus)[1].clip_id
    first = _run(tmp_path, corpus, _Flaky((bad,)))
    assert list(first.failed) == [bad] and "environment" in first.failed[bad] and first.reused_failures == []
    assert failures_error(first).exit_code == 1
    row = next(v for v in ResultsStore(tmp_path / "r.db").list_videos() if v.clip_id == bad)
    assert (row.status, row.failure) == ("failed", "environment")
    again = _Flaky()
    second = _run(tmp_path, corpus, again)  # no --retry-failed
    assert again.calls == 1 and second.failed == {} and failures_error(second) is None


def test_a_deterministic_failure_is_reused_and_the_summary_says_so(tmp_path, corpus):
    bad = fakes.load_corpus(corpus)[2].clip_id
    _run(tmp_path, corpus, fakes.NoisyCopy(crash_on=(bad,)))
    method = fakes.NoisyCopy(crash_on=(bad,))
    second = _run(tmp_path, corpus, method)
    assert method.calls == 0 and second.reused_failures == [bad] and list(second.failed) == [bad]
    err = failures_error(second)
    assert err.exit_code == 1 and "1 of 6 clips failed" in str(err) and "--retry-failed" in str(err)
    runs = ResultsStore(tmp_path / "r.db", readonly=True).list_runs()
    assert [r.shown_status for r in runs] == ["finished, 1 failed", "finished, 1 failed"]


class _NoCheckpoint(fakes.NoisyCopy):
    def generate(self, inp, emotion, seed, out_path):
        self.calls += 1
        raise MissingWeightsError("eatface: no checkpoint in /nowhere")


def test_a_user_error_inside_the_method_stops_the_run_with_one_line(tmp_path, corpus):
    method = _NoCheckpoint()
    with pytest.raises(MissingWeightsError, match="no checkpoint"):
        _run(tmp_path, corpus, method)
    assert method.calls == 1  # stopped at the first clip, not recorded against every clip
    store = ResultsStore(tmp_path / "r.db", readonly=True)
    assert store.list_videos() == []
    run = store.list_runs()[0]
    assert run.status == "failed" and "no checkpoint" in run.shown_status


def test_runs_write_the_sidecar_and_leave_no_temporary_files(tmp_path, corpus):
    import json

    _run(tmp_path, corpus, fakes.NoisyCopy())
    videos = ResultsStore(tmp_path / "r.db").list_videos()
    for v in videos:
        sidecar = json.loads(Path(v.path).with_suffix(".json").read_text())
        assert sidecar["method"] == "noisy-copy" and sidecar["clip"]["video"].endswith(".mkv")
        assert sidecar["emotion_used"] == v.emotion
    assert list((tmp_path / "v" / ".scratch").iterdir()) == []


class _Short(fakes.NoisyCopy):
    """One frame short of what the audio implies (the contract's old ±1 let it through)."""

    def generate(self, inp, emotion, seed, out_path):
        super().generate(inp, emotion, seed, out_path)
        write_video(out_path, read_video(out_path).frames[:-1], 25, read_audio(out_path))
        return out_path


def test_a_video_cut_short_fails_its_clip_with_the_frame_counts(tmp_path, corpus):
    summary = _run(tmp_path, corpus, _Short())
    assert len(summary.failed) == 6
    assert all(
        f"cut short: {fakes.N_FRAMES - 1} frames, the audio implies {fakes.N_FRAMES}" in e
        for e in summary.failed.values()
    )
    # a video stored before (by an older contract) and cut short is refused when it would be scored
    store = tmp_path / "other"
    _run(store, corpus, fakes.NoisyCopy())
    s = ResultsStore(store / "r.db")
    v = s.list_videos()[0]
    half = read_video(v.path).frames[:3]
    write_video(v.path, half, 25, read_audio(v.path))
    from eatbench.paths import sha256_file

    s.put_video(replace(v, video_hash=sha256_file(v.path)))
    again = _run(store, corpus, fakes.NoisyCopy())
    assert again.failed == {v.clip_id: f"{v.path}: cut short: 3 frames, the reference has {fakes.N_FRAMES}"}
    assert np.isfinite(next(m.value for m in again.metrics if m.name == "fake-mae"))
