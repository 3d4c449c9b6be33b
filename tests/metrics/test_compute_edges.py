"""`eatbench metrics compute` at its edges (issue 12.3, 12.5): a metric that cannot be computed exits 1 with its
reason once on one line; a cut-short video, a still image under a video's name, and a video shorter than its
ground truth are refused with the frame counts; LSE on a too-short clip or on silent audio is n/a with a reason."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from eatbench.cli import main
from eatbench.io import Audio, write_video


def run_cli(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["eatbench", "metrics", "compute", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def speech(n_frames: int, seed: int = 0) -> Audio:
    """Noise bursts (not silent) lasting ``n_frames`` video frames at 25 fps."""
    rng = np.random.default_rng(seed)
    return Audio.from_int16((rng.standard_normal(n_frames * 640) * 3000).astype(np.int16))


@pytest.fixture
def clip(tmp_path, make_frames, make_degraded):
    """A 12-frame ground truth and a generated copy with the same audio, both lossless."""
    gt = make_frames(0, t=12, h=64, w=64)
    write_video(tmp_path / "gt.mkv", gt, 25, speech(12))
    write_video(tmp_path / "gen.mkv", make_degraded(gt, 1), 25, speech(12))
    return tmp_path / "gen.mkv", tmp_path / "gt.mkv"


# -- 12.3: a requested metric that cannot be computed -----------------------------------------------------
@pytest.mark.parametrize("as_json", [False, True])
def test_missing_weights_exit_1_and_each_reason_once_on_one_line(clip, capsys, monkeypatch, tmp_path, as_json):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "empty"))
    gen, gt = clip
    args = ["--gen", str(gen), "--ref", str(gt), "-m", "psnr,lse-d,lse-c"] + (["--json"] if as_json else [])
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("n/a: LSE-D, LSE-C: syncnet_v2.model")  # one reason, once
    assert out.count("syncnet_v2.model") == (2 if as_json else 0)  # the JSON rows keep it, the table says n/a
    if as_json:
        rows = {r["metric"]: r for r in json.loads(out)["metrics"]}
        assert rows["psnr"]["value"] is not None and rows["lse-d"]["value"] is None
    else:
        assert "PSNR" in out and "n/a" in out


def test_corrupt_weights_file_exit_1_with_its_reason(clip, capsys, monkeypatch, tmp_path):
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / "syncnet_v2.model").write_bytes(b"not a checkpoint at all")
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(weights))
    gen, gt = clip
    code, _, err = run_cli(["--gen", str(gen), "--ref", str(gt), "-m", "lse-c"], capsys, monkeypatch)
    assert code == 1
    assert err.count("\n") == 1 and "syncnet_v2.model: not a torch-saved state_dict" in err


def test_all_metrics_computed_exit_0(clip, capsys, monkeypatch):
    gen, gt = clip
    code, _, err = run_cli(["--gen", str(gen), "--ref", str(gt), "-m", "psnr,ssim,cpbd"], capsys, monkeypatch)
    assert code == 0 and err == ""


# -- 12.5: nothing partial is scored --------------------------------------------------------------------
def test_video_whose_audio_outlasts_its_frames_is_refused(tmp_path, make_frames, capsys, monkeypatch):
    frames = make_frames(0, t=12, h=64, w=64)
    write_video(tmp_path / "gt.mkv", frames, 25, speech(12))
    write_video(tmp_path / "gen.mkv", frames[:6], 25, speech(12))  # half the frames, all the audio
    args = ["--gen", str(tmp_path / "gen.mkv"), "-m", "cpbd"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 2 and out == ""
    assert "6 frames (0.24 s at 25 fps) but 0.48 s of audio (~12 frames)" in err and "--allow-length-mismatch" in err
    code, _, _ = run_cli([*args, "--allow-length-mismatch"], capsys, monkeypatch)
    assert code == 0


def test_video_shorter_than_its_ground_truth_is_refused(tmp_path, make_frames, capsys, monkeypatch):
    frames = make_frames(0, t=12, h=64, w=64)
    write_video(tmp_path / "gt.mkv", frames, 25, speech(12))
    write_video(tmp_path / "gen.mkv", frames[:7], 25, speech(7))
    args = ["--gen", str(tmp_path / "gen.mkv"), "--ref", str(tmp_path / "gt.mkv"), "-m", "psnr", "--json"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    assert code == 2 and out == "" and "7 frames but its ground truth gt.mkv has 12" in err
    code, out, _ = run_cli([*args, "--allow-length-mismatch"], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["metrics"][0]["value"] is not None


def test_truncated_video_that_declares_more_frames_is_refused(tmp_path, make_frames, capsys, monkeypatch):
    """An MP4 with its index in front (faststart) cut short by a full disk: it declares 50 frames, decodes fewer."""
    import av

    path = tmp_path / "gen.mp4"
    frames = make_frames(3, t=50, h=64, w=64)
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        vs = out.add_stream("libx264", rate=25)
        vs.width = vs.height = 64
        vs.pix_fmt = "yuv420p"
        vs.options = {"crf": "0"}
        for i, f in enumerate(frames):
            vf = av.VideoFrame.from_ndarray(f, format="rgb24")
            vf.pts = i
            for p in vs.encode(vf):
                out.mux(p)
        for p in vs.encode():
            out.mux(p)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    code, _, err = run_cli(["--gen", str(path), "-m", "cpbd"], capsys, monkeypatch)
    assert code == 2 and "declares 50" in err and "cut short" in err and err.count("\n") == 1


def test_image_renamed_wav_is_refused_as_gen(tmp_path, make_frames, capsys, monkeypatch):
    import cv2

    cv2.imwrite(str(tmp_path / "face.png"), make_frames(0, t=1)[0])
    (tmp_path / "face.wav").write_bytes((tmp_path / "face.png").read_bytes())
    code, out, err = run_cli(["--gen", str(tmp_path / "face.wav"), "-m", "cpbd"], capsys, monkeypatch)
    assert code == 2 and out == "" and "a still image" in err and err.count("\n") == 1


# -- LSE n/a with a reason --------------------------------------------------------------------------------
def test_lse_on_a_clip_too_short_for_one_window_is_na_with_the_reason(tmp_path, make_frames, capsys, monkeypatch):
    frames = make_frames(0, t=4, h=64, w=64)
    write_video(tmp_path / "gen.mkv", frames, 25, speech(4))
    args = ["--gen", str(tmp_path / "gen.mkv"), "-m", "lse-d", "--profile", "demo", "--json"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    row = json.loads(out)["metrics"][0]
    assert code == 1 and row["value"] is None
    assert "too short for one 5-frame SyncNet window" in row["error"] and "at least 6 frames" in row["error"]
    assert err.count("too short") == 1


def test_lse_on_silent_audio_is_na_with_generates_reason(tmp_path, make_frames, capsys, monkeypatch):
    frames = make_frames(0, t=12, h=64, w=64)
    write_video(tmp_path / "gen.mkv", frames, 25, Audio.from_int16(np.zeros(12 * 640, np.int16)))
    args = ["--gen", str(tmp_path / "gen.mkv"), "-m", "lse-d,lse-c", "--profile", "demo", "--json"]
    code, out, err = run_cli(args, capsys, monkeypatch)
    rows = json.loads(out)["metrics"]
    assert code == 1 and all(r["value"] is None and "the audio is silent" in r["error"] for r in rows)
    assert err.count("the audio is silent") == 1 and err.startswith("n/a: LSE-D, LSE-C: gen audio: the audio is silent")
