"""LPIPS against the lpips package (net='alex', v0.1) with the same random AlexNet trunk."""

from __future__ import annotations

import lpips
import numpy as np
import pytest
import torch
import torchvision

from eatbench.judges.lpips_net import LPIPSAlex, lpips_for
from eatbench.metrics.base import Sample
from eatbench.metrics.lpips import LPIPS


@pytest.fixture
def hub_alexnet(tmp_path, monkeypatch):
    """A random torchvision AlexNet saved as <TORCH_HOME>/hub/checkpoints/alexnet-owt-7be5be79.pth."""
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    torch.manual_seed(0)
    alex = torchvision.models.alexnet(weights=None)
    path = tmp_path / "torch" / "hub" / "checkpoints" / "alexnet-owt-7be5be79.pth"
    path.parent.mkdir(parents=True)
    torch.save(alex.state_dict(), path)
    return alex


def _reference(alex) -> lpips.LPIPS:
    ref = lpips.LPIPS(net="alex", version="0.1", pnet_rand=True, verbose=False)  # lin layers from the wheel
    trunk = {}
    for k, sl in enumerate([ref.net.slice1, ref.net.slice2, ref.net.slice3, ref.net.slice4, ref.net.slice5], 1):
        for name, _ in sl.named_parameters():
            trunk[f"slice{k}.{name}"] = alex.features.state_dict()[name]
    ref.net.load_state_dict(trunk)
    return ref.eval()


def _frames(seed, n=3, size=128):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (1, size, size, 3))
    return np.clip(base + rng.integers(-60, 60, (n, size, size, 3)), 0, 255).astype(np.uint8)


def test_state_dict_names_match_lpips_package():
    ref = lpips.LPIPS(net="alex", pnet_rand=True, verbose=False)
    ours = LPIPSAlex()
    expected = {k: v.shape for k, v in ref.state_dict().items() if not k.startswith("lins.")}  # `lins` aliases lin0..4
    assert {k: v.shape for k, v in ours.state_dict().items()} == expected


def test_lpips_matches_reference_per_frame(hub_alexnet):
    ref = _reference(hub_alexnet)
    ours = lpips_for("official")  # trunk from the hub cache file, lin layers from the lpips wheel
    gen, gt = _frames(1), _frames(2)
    with torch.no_grad():
        expected = [float(ref(lpips.im2tensor(a), lpips.im2tensor(b))) for a, b in zip(gen, gt, strict=True)]
    sample = Sample(gen=gen, gt=gt)
    metric = LPIPS()
    state = metric.clip_state(sample)
    assert state["n"] == 3
    assert metric.value(state) == pytest.approx(np.mean(expected), rel=1e-5)
    with torch.no_grad():
        ours_pf = ours(lpips.im2tensor(gen[0]), lpips.im2tensor(gt[0]))
    assert float(ours_pf[0]) == pytest.approx(expected[0], rel=1e-5)


def test_frames_pooled_across_videos(hub_alexnet):
    ref = _reference(hub_alexnet)
    clips = [(_frames(3, 2), _frames(4, 2)), (_frames(5, 4), _frames(6, 3))]  # 2 + 3 aligned pairs
    from eatbench.metrics.functional.align import aligned_indices

    expected = []
    with torch.no_grad():
        for gen, gt in clips:
            gi, ti = aligned_indices(len(gen), len(gt))
            expected += [
                float(ref(lpips.im2tensor(gen[i]), lpips.im2tensor(gt[j]))) for i, j in zip(gi, ti, strict=True)
            ]
    metric = LPIPS()
    merged = metric.merge([metric.clip_state(Sample(gen=g, gt=t)) for g, t in clips])
    assert merged["n"] == 5
    assert metric.value(merged) == pytest.approx(np.mean(expected), rel=1e-5)


def test_identical_frames_score_zero(hub_alexnet):
    frames = _frames(7, 2)
    metric = LPIPS()
    assert metric.value(metric.clip_state(Sample(gen=frames, gt=frames.copy()))) == 0.0


def test_missing_trunk_names_file_and_folders(tmp_path, monkeypatch):
    from eatbench.errors import MissingWeightsError

    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "w"))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "t"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    with pytest.raises(
        MissingWeightsError, match=r"alexnet-owt-7be5be79\.pth \(sha256 7be5be79…\) not found in .*hub/checkpoints"
    ):
        LPIPS().clip_state(Sample(gen=_frames(0, 1), gt=_frames(1, 1)))
