"""CSIM against insightface's own pipeline (norm_crop + ArcFaceONNX.get + compute_sim) on the same points."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from insightface.app.common import Face
from insightface.model_zoo.arcface_onnx import ArcFaceONNX

from eatbench.errors import InputError
from eatbench.judges.arcface import IResNet, export_onnx
from eatbench.metrics.base import Sample
from eatbench.metrics.csim import CSIM
from eatbench.preprocess.mediapipe_face import ARCFACE_FIVE

TEMPLATE = np.array([[38.3, 51.7], [73.5, 51.5], [56.0, 71.7], [41.5, 92.4], [70.7, 92.2]], np.float32)


@pytest.fixture(scope="module")
def onnx_weights(tmp_path_factory):
    """A small random IResNet exported under the official name in a temp EATBENCH_WEIGHTS."""
    folder = tmp_path_factory.mktemp("weights")
    torch.manual_seed(0)
    net = IResNet(layers=(1, 1, 1, 1), widths=(8, 16, 16, 32), num_features=64)
    g = torch.Generator().manual_seed(0)
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_onnx(net, folder / "w600k_r50.onnx")
    return folder


@pytest.fixture
def env(onnx_weights, monkeypatch):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(onnx_weights))
    return onnx_weights


def _mesh(five: np.ndarray) -> np.ndarray:
    """(T, 478, 2) Face Mesh arrays whose ArcFace points are `five` (other points unused)."""
    mesh = np.zeros((len(five), 478, 2), np.float32)
    mesh[:, list(ARCFACE_FIVE)] = five
    return mesh


def _video(seed, n, size=128):
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 256, (n, size, size, 3)).astype(np.uint8)
    five = (TEMPLATE * 1.1 + rng.normal(0, 1.5, (n, 5, 2)) + 4).astype(np.float32)
    return frames, five


def _insightface_sims(model_path, ref_img, ref_five, frames, fives):
    model = ArcFaceONNX(model_file=str(model_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = model.get(np.ascontiguousarray(ref_img[:, :, ::-1]), Face(kps=ref_five))  # insightface works in BGR
        return [
            model.compute_sim(ref, model.get(np.ascontiguousarray(f[:, :, ::-1]), Face(kps=k)))
            for f, k in zip(frames, fives, strict=True)
        ]


def test_source_pairing_matches_insightface(env):
    frames, five = _video(0, 4)
    source, src_five = _video(1, 1)
    sample = Sample(gen=frames, source=source[0], clip_id="c")
    sample.cache["landmarks_gen"] = _mesh(five)
    sample.cache["landmarks_source"] = _mesh(src_five)
    metric = CSIM()
    state = metric.clip_state(sample)
    expected = np.mean(_insightface_sims(env / "w600k_r50.onnx", source[0], src_five[0], frames, five))
    assert metric.value(state) == pytest.approx(expected, rel=1e-5)
    assert state["frames"] == 4 and state["frames_skipped"] == 0
    assert metric.protocol.endswith("/source-v1") and metric.needs == ("source",)


def test_gt_pairing_and_skipped_frames(env):
    frames, five = _video(2, 4)
    gt, gt_five = _video(3, 4)
    five[1] = np.nan  # no face in generated frame 1
    gt_five[3] = np.nan  # no face in GT frame 3
    sample = Sample(gen=frames, gt=gt)
    sample.cache["landmarks_gen"] = _mesh(five)
    sample.cache["landmarks_gt"] = _mesh(gt_five)
    metric = CSIM(pairing="gt")
    state = metric.clip_state(sample)
    sims = [
        _insightface_sims(env / "w600k_r50.onnx", gt[i], gt_five[i], frames[i : i + 1], five[i : i + 1])[0]
        for i in (0, 2)
    ]
    assert metric.value(state) == pytest.approx(np.mean(sims), rel=1e-5)
    assert state["frames_skipped"] == 2 and state["n"] == 1
    assert metric.protocol.endswith("/gt-v1") and metric.needs == ("gt",)


def test_video_mean_of_frame_means(env):
    metric = CSIM()
    source, src_five = _video(4, 1)
    states, means = [], []
    for seed, n in ((5, 2), (6, 5)):
        frames, five = _video(seed, n)
        sample = Sample(gen=frames, source=source[0])
        sample.cache["landmarks_gen"], sample.cache["landmarks_source"] = _mesh(five), _mesh(src_five)
        states.append(metric.clip_state(sample))
        means.append(np.mean(_insightface_sims(env / "w600k_r50.onnx", source[0], src_five[0], frames, five)))
    assert metric.value(metric.merge(states)) == pytest.approx(np.mean(means), rel=1e-5)  # not frame-weighted


def test_video_without_faces_is_counted_not_scored(env):
    frames, five = _video(7, 2)
    source, src_five = _video(8, 1)
    sample = Sample(gen=frames, source=source[0])
    sample.cache["landmarks_gen"] = _mesh(np.full_like(five, np.nan))
    sample.cache["landmarks_source"] = _mesh(src_five)
    state = CSIM().clip_state(sample)
    assert state["videos_skipped"] == 1 and state["n"] == 0 and math.isnan(CSIM().value(state))


def test_source_without_face_is_an_input_error(env):
    frames, five = _video(9, 2)
    sample = Sample(gen=frames, source=np.full((128, 128, 3), 128, np.uint8), clip_id="clipX")
    sample.cache["landmarks_gen"] = _mesh(five)  # the flat grey source image goes through MediaPipe
    with pytest.raises(InputError, match="clipX: no face found in the source image"):
        CSIM().clip_state(sample)


def test_unknown_pairing_fails_early():
    from eatbench.errors import EatbenchError

    with pytest.raises(EatbenchError, match="pairing must be 'source' or 'gt'"):
        CSIM(pairing="reference")
