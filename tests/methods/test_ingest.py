"""`--from-folder`: the declared frame geometry is exact; missing files are picked up when added."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from eatbench.errors import EatbenchError
from eatbench.io import read_audio, read_video, resample_fps, write_video
from eatbench.metrics.registry import all_metrics, get_metric
from eatbench.preprocess.prepare import prepare_clip
from eatbench.run import RunConfig, Runner
from eatbench.store import ResultsStore


def _run(mead, store: Path, method: str, limit: int | None = None, metrics=None, **cfg):
    root, clips = mead
    config = RunConfig(method=method, dataset="mead", root=root, store=store, videos_dir=store.parent / "videos",
                       profile="demo", split=None, limit=limit, **cfg)  # fmt: skip
    ms = None if metrics is None else [get_metric(m)(profile="demo") for m in metrics]
    return Runner(config, clips=list(clips), metrics=ms).run()


def _per_clip(store: Path) -> dict[tuple[str, str], tuple[str, float | None]]:
    """(clip, metric) -> (status, value) of the store's only series."""
    s = ResultsStore(store, readonly=True)
    series = s.list_series()[-1]
    videos = s.get_videos([c.key for c in series.clips])
    out = {}
    for c in series.clips:
        v = videos[c.key]
        for mv in s.list_metric_values():
            if mv.video_hash == v.video_hash:
                out[(c.clip_id, mv.metric)] = (mv.status, mv.value)
    return out


def _copies(mead, folder: Path, layout: str) -> None:
    """The ground truth as a user would hand it in: the source files (raw) or the benchmark crops (cropped)."""
    folder.mkdir(parents=True, exist_ok=True)
    for c in mead[1]:
        if layout == "raw":
            shutil.copyfile(c.video, folder / f"{c.clip_id}{c.video.suffix}")  # byte-identical copies
        else:
            p = prepare_clip(c)
            write_video(folder / f"{c.clip_id}.mkv", p.frames, 25.0, p.audio)


@pytest.mark.slow  # every metric on ground truth and two folders: ~1-2 min on 2 busy cores
def test_a_folder_of_ground_truth_copies_scores_exactly_the_ground_truth(mead, tmp_path) -> None:
    metrics = [m.name for m in all_metrics()]
    truth = _run(mead, tmp_path / "gt" / "r.db", "ground-truth", metrics=metrics)
    expected = _per_clip(tmp_path / "gt" / "r.db")
    # every metric with a judge here has a value on every clip (FID and LPIPS have no weights here: n/a)
    scored = {m for (_, m), (status, _) in expected.items() if status == "ok"}
    assert {"psnr", "ssim", "cpbd", "lse-d", "lse-c", "csim", "emo-acc", "m-lmd", "f-lmd"} <= scored
    assert len(expected) == len(scored) * len(mead[1])
    for layout in ("raw", "cropped"):
        folder = tmp_path / f"copies-{layout}"
        _copies(mead, folder, layout)
        store = tmp_path / layout / "r.db"  # a store of its own: every value computed again
        summary = _run(mead, store, "my-method", metrics=metrics, from_folder=folder, layout=layout)
        assert summary.failed == {}
        assert _per_clip(store) == expected, layout  # every clip, every metric, exactly
        pooled = [(m.name, m.value, m.n_clips, m.reason) for m in summary.metrics]
        assert pooled == [(m.name, m.value, m.n_clips, m.reason) for m in truth.metrics], layout
        gt_videos = {v.clip_id: v for v in ResultsStore(tmp_path / "gt" / "r.db").list_videos()}
        for v in ResultsStore(store).list_videos():
            assert np.array_equal(read_video(v.path).frames, read_video(gt_videos[v.clip_id].path).frames)


def _blur(frames: np.ndarray) -> np.ndarray:
    import cv2

    return np.stack([cv2.GaussianBlur(f, (9, 9), 3) for f in frames])


def test_a_blurred_folder_scores_like_blurring_the_benchmark_crops(mead, tmp_path) -> None:
    from eatbench.metrics.base import Sample
    from eatbench.preprocess.crop import apply_crop

    clips = mead[1][:2]
    for layout in ("cropped", "raw"):
        folder = tmp_path / layout
        expected = {}
        for c in clips:
            p = prepare_clip(c)
            if layout == "cropped":
                gen = _blur(p.frames)
                write_video(folder / f"{c.clip_id}.mkv", gen, 25.0, p.audio)
            else:
                source = read_video(c.video)
                blurred = _blur(source.frames)
                write_video(folder / f"{c.clip_id}.mkv", blurred, source.fps, read_audio(c.video))
                gen = apply_crop(resample_fps(blurred, source.fps), p.crop_box)[: p.num_frames]
            for name in ("psnr", "ssim"):
                m = get_metric(name)(profile="demo")
                expected[(c.clip_id, name)] = ("ok", float(m.value(m.clip_state(Sample(gen=gen, gt=p.frames)))))
        store = tmp_path / f"{layout}.db"
        summary = _run((mead[0], clips), store, "blur", metrics=("psnr", "ssim"), from_folder=folder, layout=layout)
        assert summary.failed == {}
        assert _per_clip(store) == expected, layout
        assert all(v[1] < 100 for v in expected.values())  # really blurred


def test_a_size_that_fits_neither_layout_fails_the_clip_with_both_sizes(mead, tmp_path) -> None:
    clip = mead[1][0]
    folder = tmp_path / "f"
    write_video(folder / f"{clip.clip_id}.mkv", np.zeros((40, 300, 300, 3), np.uint8), 25.0, read_audio(clip.video))
    summary = _run((mead[0], [clip]), tmp_path / "r.db", "x", metrics=("psnr",), from_folder=folder, layout="cropped")
    assert "frames are 300x300, --layout cropped expects 256x256" in summary.failed[clip.clip_id]
    assert "raw is 320x320" in summary.failed[clip.clip_id] and "fit neither layout" in summary.failed[clip.clip_id]
    # the source's own size under the wrong declaration: the message names the layout that fits
    shutil.copyfile(clip.video, folder / f"{clip.clip_id}.mkv")
    summary = _run((mead[0], [clip]), tmp_path / "r.db", "x", metrics=("psnr",), from_folder=folder, layout="cropped")
    assert "they fit --layout raw" in summary.failed[clip.clip_id]


def test_the_layout_is_declared(mead, tmp_path) -> None:
    with pytest.raises(EatbenchError, match="--from-folder needs --layout raw, cropped, upstream"):
        RunConfig(method="x", dataset="mead", from_folder=tmp_path)
    with pytest.raises(EatbenchError, match="--layout raw: only with --from-folder"):
        RunConfig(method="x", dataset="mead", layout="raw")
    from eatbench.methods.registry import resolve_method

    with pytest.raises(EatbenchError, match="has no adapter that knows its output format"):
        resolve_method("static-frame", from_folder=tmp_path, layout="upstream")


def test_files_added_after_a_run_are_picked_up_by_the_same_command(mead, tmp_path) -> None:
    folder = tmp_path / "f"
    _copies(mead, folder, "cropped")
    late = mead[1][1]
    (folder / f"{late.clip_id}.mkv").rename(tmp_path / "late.mkv")
    store = tmp_path / "r.db"
    first = _run(mead, store, "m", metrics=("psnr",), from_folder=folder, layout="cropped")
    assert list(first.failed) == [late.clip_id] and "no file for clip" in first.failed[late.clip_id]
    assert first.reused_failures == []
    (tmp_path / "late.mkv").rename(folder / f"{late.clip_id}.mkv")
    second = _run(mead, store, "m", metrics=("psnr",), from_folder=folder, layout="cropped")  # no --retry-failed
    assert second.failed == {} and second.generated == 1 and second.reused == len(mead[1]) - 1
    psnr = next(m for m in second.metrics if m.name == "psnr")
    assert (psnr.n_clips, psnr.n_failed) == (len(mead[1]), 0)
