"""ArcFace judge: norm_crop and the ONNX path against insightface, with a random IResNet-50 exported to ONNX."""

from __future__ import annotations

import warnings

import numpy as np
import onnx
import pytest
import torch
from insightface.model_zoo.arcface_onnx import ArcFaceONNX
from insightface.utils import face_align
from judge_fakes import randomize_batchnorm

from eatbench.judges.arcface import (
    ArcFaceOnnx,
    IResNet,
    arcface_for,
    estimate_norm,
    export_onnx,
    norm_crop,
    save_iresnet_safetensors,
)


@pytest.fixture(scope="module")
def iresnet50_onnx(tmp_path_factory):
    """A random IResNet-50 (metrics-protocols.md §3.1) exported as w600k_r50.onnx."""
    torch.manual_seed(0)
    net = IResNet()  # (3, 4, 14, 3), 64..512, 512-d
    randomize_batchnorm(net)
    path = tmp_path_factory.mktemp("buffalo_l") / "w600k_r50.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_onnx(net, path)
    return net.eval(), path


def _crops(seed, n=3):
    return np.random.default_rng(seed).integers(0, 256, (n, 112, 112, 3)).astype(np.uint8)


def test_iresnet50_shapes():
    net = IResNet()
    assert net.fc.in_features == 512 * 7 * 7
    assert net.layer3[0].conv2.stride == (2, 2) and len(net.layer3) == 14
    assert net(torch.zeros(2, 3, 112, 112)).shape == (2, 512)


def test_export_is_read_as_a_modern_insightface_model(iresnet50_onnx):
    _, path = iresnet50_onnx
    names = [n.name for n in onnx.load(str(path)).graph.node[:8]]
    assert not any(n.startswith(("Sub", "_minus")) for n in names)
    ref = ArcFaceONNX(model_file=str(path))
    ours = ArcFaceOnnx(path)
    assert (ref.input_mean, ref.input_std) == (ours.input_mean, ours.input_std) == (127.5, 127.5)


def test_embeddings_match_insightface_arcface_onnx(iresnet50_onnx):
    net, path = iresnet50_onnx
    crops = _crops(0, 5)
    ref = ArcFaceONNX(model_file=str(path))
    expected = ref.get_feat([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])  # insightface takes BGR
    ours = ArcFaceOnnx(path, batch_size=2).embed(crops)  # ours takes RGB, batched
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    # the torch twin agrees with its ONNX export
    x = torch.from_numpy(((crops.astype(np.float32) - 127.5) / 127.5).transpose(0, 3, 1, 2))
    with torch.no_grad():
        np.testing.assert_allclose(net(x).numpy(), expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_norm_crop_equals_insightface():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (256, 256, 3)).astype(np.uint8)
    for _ in range(4):
        five = (
            face_align.arcface_dst * rng.uniform(1.2, 2.5) + rng.normal(0, 3, (5, 2)) + rng.uniform(0, 60, 2)
        ).astype(np.float32)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # insightface calls skimage's deprecated .estimate
            expected_m = face_align.estimate_norm(five)
            expected = face_align.norm_crop(img, five)
        np.testing.assert_array_equal(estimate_norm(five), expected_m)
        np.testing.assert_array_equal(norm_crop(img, five), expected)


def test_official_file_found_in_insightface_folder(iresnet50_onnx, tmp_path, monkeypatch):
    _, path = iresnet50_onnx
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "weights"))
    folder = tmp_path / ".insightface" / "models" / "buffalo_l"
    folder.mkdir(parents=True)
    (folder / "w600k_r50.onnx").symlink_to(path)
    judge = arcface_for("official")
    assert isinstance(judge, ArcFaceOnnx) and judge.path == folder / "w600k_r50.onnx"


def test_demo_identity_judge_runs_the_same_preprocessing(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path))
    torch.manual_seed(0)
    small = IResNet(layers=(1, 1, 1, 1), widths=(8, 8, 16, 16), num_features=32)
    randomize_batchnorm(small)
    (tmp_path / "demo").mkdir()
    save_iresnet_safetensors(small, tmp_path / "demo" / "identity.safetensors")
    judge = arcface_for("demo")
    crops = _crops(2, 2)
    with torch.no_grad():
        expected = small.eval()(torch.from_numpy(((crops.astype(np.float32) - 127.5) / 127.5).transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(judge.embed(crops), expected.numpy(), rtol=1e-6, atol=1e-6)
