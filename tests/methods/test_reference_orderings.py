"""The reference methods' orderings on demo test clips, scored by the real metric code (issue 6).

Two prepared clips of a small generated demo corpus (its clip-level test split) go through
``run_method`` as ``ground-truth``, ``static-frame`` and ``shifted-audio``; the outputs are read back
from disk and scored with the registered metrics. What must hold comes from the definitions, not from
the code: a replayed ground truth sits at the PSNR clamp with SSIM 1 and no landmark error; a repeated
frame has no motion at all; lip sync is worse for a frozen face than for the real one, worse for audio
moved beyond SyncNet's ±15-frame search, and audio delayed by k frames inside the search (the registered
shifted-audio's 8, and 5) is found at offset −k (syncnet_python's sign: positive means the audio leads).

The lip-sync checks need the demo SyncNet judge (``eatbench/judges/demo_weights/syncnet.safetensors``,
trained by ``eatbench train sync-judge --dataset demo``); without it they are skipped with that reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.datasets.demo import generate_corpus
from eatbench.datasets.registry import get_dataset
from eatbench.errors import MissingWeightsError
from eatbench.io import read_audio, read_video
from eatbench.methods.base import GenerationInput
from eatbench.methods.contract import run_method
from eatbench.methods.reference import SHIFT_FRAMES, ShiftedAudio
from eatbench.methods.registry import get_method
from eatbench.metrics.base import Sample
from eatbench.metrics.functional.psnr import PSNR_MAX_DB
from eatbench.metrics.registry import make_metric
from eatbench.preprocess.prepare import prepare_clip

SMALL_SHIFT = 5  # frames: inside SyncNet's ±15-frame search, so the offset must be found
FAR_SHIFT = 20  # frames: beyond the search, so no aligned pair is left
MOUTH = [13, 14, 78, 308]  # Face Mesh inner-lip midpoints and mouth corners


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """Per test clip: the prepared clip and, per method, the Sample built from the method's file."""
    base = tmp_path_factory.mktemp("orderings")
    root = generate_corpus(base / "MEAD", seed=0, actors=["M003", "W009"], emotions=["happy"], sentences=4)
    clips = get_dataset("mead", root).clips("test")[:3]
    assert len(clips) >= 2, [c.clip_id for c in clips]
    methods = {
        "ground-truth": get_method("ground-truth"),
        "static-frame": get_method("static-frame"),
        "shifted-audio": get_method("shifted-audio"),
        f"shifted-audio-{SMALL_SHIFT}": ShiftedAudio(shift_frames=SMALL_SHIFT),
        f"shifted-audio-{FAR_SHIFT}": ShiftedAudio(shift_frames=FAR_SHIFT),
    }
    out = []
    for clip in clips:
        prepared = prepare_clip(clip)
        samples = {}
        for label, method in methods.items():
            path = run_method(method, GenerationInput(clip=clip), clip.emotion, 0, base / f"{clip.clip_id}.{label}.mkv")
            samples[label] = Sample(
                gen=read_video(path).frames,
                gt=prepared.frames,
                source=prepared.reference,
                audio=read_audio(path).int16,
                clip_id=clip.clip_id,
            )
        out.append({"prepared": prepared, "samples": samples})
    return out


def value(name: str, sample: Sample, profile: str = "official") -> float:
    metric = make_metric(name, profile)
    return float(metric.value(metric.clip_state(sample)))


def test_ground_truth_is_at_the_psnr_clamp_and_static_frame_below(scored) -> None:
    for clip in scored:
        gt, static = clip["samples"]["ground-truth"], clip["samples"]["static-frame"]
        assert value("psnr", gt) == PSNR_MAX_DB
        assert value("ssim", gt) == 1.0
        assert value("m-lmd", gt) == 0.0 and value("f-lmd", gt) == 0.0
        assert value("psnr", static) < 50 and value("ssim", static) < 1.0
        assert value("m-lmd", static) > 0.0
        # shifted-audio moves only the audio: its frames score exactly as the ground truth's
        assert value("psnr", clip["samples"]["shifted-audio"]) == PSNR_MAX_DB


def test_static_frame_has_zero_motion_where_the_ground_truth_moves(scored) -> None:
    from eatbench.metrics.shared import mesh_landmarks

    for clip in scored:
        static, gt = clip["samples"]["static-frame"], clip["samples"]["ground-truth"]
        assert (static.gen == static.gen[:1]).all()  # pixels: one frame repeated
        mouth_static = mesh_landmarks(static, "gen")[:, MOUTH]  # (T, 4, 2) Face Mesh, the metric code's cache
        mouth_gt = mesh_landmarks(gt, "gen")[:, MOUTH]
        assert np.isfinite(mouth_static).all() and np.isfinite(mouth_gt).all()
        assert np.ptp(mouth_static, axis=0).max() == 0.0  # landmarks: no motion at all
        assert np.ptp(mouth_gt[:, 0, 1] - mouth_gt[:, 1, 1]) > 1.0  # the real mouth opens and closes (pixels)


def _sync_judge_or_skip() -> None:
    from eatbench.judges.weights import resolve_weights

    try:
        resolve_weights("syncnet", "demo")
    except MissingWeightsError as err:
        pytest.skip(f"demo SyncNet judge not built yet (eatbench train sync-judge --dataset demo): {err}")


def test_lip_sync_orders_ground_truth_static_frame_and_shifted_audio(scored) -> None:
    _sync_judge_or_skip()
    from eatbench.metrics.lse import sync_scores

    res = {
        label: [sync_scores(c["samples"][label], "demo") for c in scored]
        for label in ("ground-truth", "static-frame", "shifted-audio", f"shifted-audio-{FAR_SHIFT}")
    }
    assert all(r is not None for rs in res.values() for r in rs)

    def mean(label: str, field: str) -> float:
        return float(np.mean([getattr(r, field) for r in res[label]]))

    # a frozen face and audio moved beyond the ±15-frame search both lose sync
    assert mean("ground-truth", "lse_d") < mean("static-frame", "lse_d")
    assert mean("ground-truth", "lse_c") > mean("static-frame", "lse_c")
    assert mean("ground-truth", "lse_d") < mean(f"shifted-audio-{FAR_SHIFT}", "lse_d")
    assert mean("ground-truth", "lse_c") > mean(f"shifted-audio-{FAR_SHIFT}", "lse_c")
    # the real clips are in sync; the registered shifted-audio is found at minus its delay
    assert [r.offset for r in res["ground-truth"]] == [0] * len(scored)
    assert SHIFT_FRAMES <= 15 and [r.offset for r in res["shifted-audio"]] == [-SHIFT_FRAMES] * len(scored)


def test_audio_delayed_inside_the_search_is_found_at_its_offset(scored) -> None:
    _sync_judge_or_skip()
    from eatbench.metrics.lse import sync_scores

    offsets = [sync_scores(c["samples"][f"shifted-audio-{SMALL_SHIFT}"], "demo").offset for c in scored]
    assert offsets == [-SMALL_SHIFT] * len(scored)  # delayed audio lags the lips: offset −k
