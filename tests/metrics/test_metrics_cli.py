"""`eatbench metrics list|compute`: values equal the library's on the decoded videos, one-line errors."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from eatbench.cli import main
from eatbench.io import read_video, write_video


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["eatbench", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def videos(tmp_path, make_frames, make_degraded):
    gt = make_frames(0, t=6, h=64, w=64)
    gen = make_degraded(gt, 1)
    write_video(tmp_path / "gt.mkv", gt)
    write_video(tmp_path / "gen.mkv", gen)
    return tmp_path / "gen.mkv", tmp_path / "gt.mkv"


def test_list_json_names_every_metric_and_its_weights(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path))
    code, out, _ = run_cli(["metrics", "list", "--json"], capsys, monkeypatch)
    assert code == 0
    rows = {r["metric"]: r for r in json.loads(out)["metrics"]}
    assert {"psnr", "ssim", "cpbd", "emo-acc", "m-lmd", "f-lmd"} <= set(rows)
    assert rows["psnr"]["weights_status"] == "none needed" and rows["psnr"]["higher_is_better"] is True
    assert rows["emo-acc"]["weights_status"] == "emotion_judge_mead.safetensors: missing"
    code, out, _ = run_cli(["metrics", "list"], capsys, monkeypatch)
    assert code == 0 and "M-LMD" in out and "none needed" in out


def test_compute_json_equals_skimage_on_decoded_frames(videos, capsys, monkeypatch):
    gen_path, gt_path = videos
    args = ["metrics", "compute", "--gen", str(gen_path), "--ref", str(gt_path), "-m", "psnr,ssim", "--json"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 0, err
    got = {r["metric"]: r for r in json.loads(out)["metrics"]}
    gen, gt = read_video(gen_path).frames, read_video(gt_path).frames
    ref_psnr = np.mean([peak_signal_noise_ratio(b, a) for a, b in zip(gen, gt, strict=True)])
    ref_ssim = np.mean([structural_similarity(b, a, channel_axis=-1) for a, b in zip(gen, gt, strict=True)])
    assert got["psnr"]["value"] == pytest.approx(ref_psnr, rel=1e-10)
    assert got["ssim"]["value"] == pytest.approx(ref_ssim, rel=1e-10)
    assert got["ssim"]["protocol"].startswith("eat-mead/skimage-ssim/uniform7")


def test_compute_table_and_missing_weights_show_na_while_others_run(videos, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "empty"))
    gen_path, gt_path = videos
    args = ["metrics", "compute", "--gen", str(gen_path), "--ref", str(gt_path), "-m", "psnr,emo-acc"]
    code, out, _ = run_cli([*args, "--emotion", "happy", "--json"], capsys, monkeypatch)
    assert code == 1  # a requested metric could not be computed
    got = {r["metric"]: r for r in json.loads(out)["metrics"]}
    assert got["psnr"]["value"] is not None and got["psnr"]["error"] is None
    assert got["emo-acc"]["value"] is None and "emotion_judge_mead.safetensors" in got["emo-acc"]["error"]
    code, out, err = run_cli([*args, "--emotion", "happy"], capsys, monkeypatch)
    assert code == 1 and "n/a" in out and "PSNR" in out and "↑" in out
    assert err.count("emotion_judge_mead.safetensors") == 1


def test_no_ref_makes_full_reference_metrics_na(videos, capsys, monkeypatch):
    gen_path, _ = videos
    code, out, _ = run_cli(
        ["metrics", "compute", "--gen", str(gen_path), "-m", "cpbd,psnr", "--json"], capsys, monkeypatch
    )
    got = {r["metric"]: r for r in json.loads(out)["metrics"]}
    assert code == 1 and got["cpbd"]["value"] is not None and "ground-truth" in got["psnr"]["error"]
    # "all" (the default) means the metrics the given inputs allow: without --ref, PSNR is not asked for.
    code, out, _ = run_cli(["metrics", "compute", "--gen", str(gen_path), "--json"], capsys, monkeypatch)
    assert "psnr" not in {r["metric"] for r in json.loads(out)["metrics"]}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--gen", "nope.mkv"], "error: --gen nope.mkv: no such file"),
        (["--metrics", "psnr,lse_d"], "did you mean 'lse-d'"),
        (["--profile", "offical"], "did you mean 'official'"),
        (["--emotion", "hapy"], "did you mean 'happy'"),
    ],
)
def test_one_line_errors(videos, capsys, monkeypatch, extra, message):
    gen_path, gt_path = videos
    base = {"--gen": str(gen_path), "--ref": str(gt_path)}
    args = ["metrics", "compute"]
    for k, v in base.items():
        if k not in extra:
            args += [k, v]
    code, _, err = run_cli([*args, *extra], capsys, monkeypatch)
    assert code == 2
    assert message in err and err.count("\n") == 1 and err.startswith("error: ")
