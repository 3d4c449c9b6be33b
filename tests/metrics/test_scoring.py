"""Scoring many clips (eatbench.metrics.scoring): ``workers=N`` processes give the numbers of one worker,
per clip and pooled; a folder given to ``metrics compute --workers 2`` prints what ``--workers 1`` prints."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from eatbench.cli import main
from eatbench.io import Audio, write_video
from eatbench.metrics.files import pair_files
from eatbench.metrics.scoring import score_clips, split_threads

METRICS = ["psnr", "ssim", "cpbd", "lse-d", "lse-c"]


@pytest.fixture
def folders(tmp_path, make_frames, make_degraded):
    """Three generated clips of different lengths and their ground truths, paired by file name."""
    gen, gt = tmp_path / "gen", tmp_path / "gt"
    gen.mkdir()
    gt.mkdir()
    for i, t in enumerate((8, 10, 12)):
        rng = np.random.default_rng(i)
        audio = Audio.from_int16((rng.standard_normal(t * 640) * 3000).astype(np.int16))
        frames = make_frames(i, t=t, h=64, w=64)
        write_video(gt / f"clip{i}.mkv", frames, 25, audio)
        write_video(gen / f"clip{i}.mkv", make_degraded(frames, i + 10), 25, audio)
    return gen, gt


def test_split_threads_shares_the_cpus():
    assert split_threads(4, cpus=8) == 2 and split_threads(3, cpus=2) == 1 and split_threads(1, cpus=2) == 2


@pytest.mark.slow
def test_two_workers_give_the_numbers_of_one(folders):
    clips = pair_files(*folders)
    one = score_clips(clips, METRICS, "demo", workers=1)
    two = score_clips(clips, METRICS, "demo", workers=2)
    assert [c.clip.gen.name for c in two.clips] == ["clip0.mkv", "clip1.mkv", "clip2.mkv"]  # clip order kept
    for a, b in zip(one.clips, two.clips, strict=True):
        assert {k: s.value for k, s in a.scores.items()} == {k: s.value for k, s in b.scores.items()}
    assert {k: s.value for k, s in one.pooled.items()} == {k: s.value for k, s in two.pooled.items()}
    assert all(s.value is not None and s.error is None for s in one.pooled.values())
    assert one.details == two.details


@pytest.mark.slow
def test_cli_workers_prints_the_same_json(folders, capsys, monkeypatch):
    gen, gt = folders
    outputs = []
    for workers in ("1", "2"):
        args = ["--gen", str(gen), "--ref", str(gt), "-m", ",".join(METRICS), "--profile", "demo", "--json"]
        monkeypatch.setattr(sys, "argv", ["eatbench", "metrics", "compute", *args, "--workers", workers])
        with pytest.raises(SystemExit) as exit_:
            main()
        assert exit_.value.code == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]["clips"]) == 3 and all(r["value"] is not None for r in outputs[0]["metrics"])


def test_workers_below_one_is_a_usage_error(folders, capsys, monkeypatch):
    gen = folders[0]
    monkeypatch.setattr(sys, "argv", ["eatbench", "metrics", "compute", "--gen", str(gen), "--workers", "0"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2 and "--workers 0: must be at least 1" in capsys.readouterr().err
