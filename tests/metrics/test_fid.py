"""FID against pytorch-fid (InceptionV3 + calculate_frechet_distance) with the same random Inception."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from pytorch_fid.fid_score import calculate_frechet_distance
from pytorch_fid.inception import InceptionV3

from eatbench.judges.inception import build_fid_inception, inception_activations, inception_for
from eatbench.metrics.base import Sample
from eatbench.metrics.fid import FID, decode_array
from eatbench.metrics.functional.fid import ActivationStats, frechet_distance


def _reference_fid(mu1, s1, mu2, s2):
    with warnings.catch_warnings():  # pytorch-fid 0.3.0 passes SciPy's deprecated `disp`
        warnings.simplefilter("ignore")
        return calculate_frechet_distance(mu1, s1, mu2, s2)


@pytest.fixture(scope="module")
def hub_inception(tmp_path_factory):
    """A random FID-Inception state_dict saved as <TORCH_HOME>/hub/checkpoints/pt_inception-2015-12-05-6726825d.pth."""
    root = tmp_path_factory.mktemp("torch")
    torch.manual_seed(0)
    net = build_fid_inception()
    g = torch.Generator().manual_seed(0)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.05)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
    path = root / "hub" / "checkpoints" / "pt_inception-2015-12-05-6726825d.pth"
    path.parent.mkdir(parents=True)
    torch.save(net.state_dict(), path)
    return root


@pytest.fixture
def torch_home(hub_inception, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(hub_inception))
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "weights"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    return hub_inception


def _frames(seed, n, size=64):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (1, size, size, 3))
    return np.clip(base + rng.integers(-80, 80, (n, size, size, 3)), 0, 255).astype(np.uint8)


def _reference_activations(frames):
    ref = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[2048]]).eval()  # loads the hub-cache file
    with torch.no_grad():
        x = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div(255)  # = ToTensor() of each PIL image
        return ref(x)[0].squeeze(3).squeeze(2).double().numpy()


def test_activations_match_pytorch_fid(torch_home):
    gen = _frames(1, 3)
    expected = _reference_activations(gen)
    ours = inception_activations(inception_for("official"), gen).double().numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6 * np.abs(expected).max())


@pytest.mark.slow  # two 2048x2048 matrix square roots: ~20 s each on 2 free cores
def test_fid_value_matches_pytorch_fid(torch_home):
    gen, gt = _frames(1, 4), _frames(2, 4)
    metric = FID()
    state = metric.clip_state(Sample(gen=gen, gt=gt))
    a, b = _reference_activations(gen), _reference_activations(gt)
    expected = _reference_fid(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    assert metric.value(state) == pytest.approx(expected, rel=1e-5)
    assert FID(sqrtm="eigh").value(state) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("method", ["sqrtm", "eigh"])
def test_frechet_distance_matches_pytorch_fid(method):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 32)) @ rng.normal(size=(32, 32))
    b = rng.normal(loc=0.3, size=(400, 32)) @ rng.normal(size=(32, 32))
    sa, sb = ActivationStats.of(a), ActivationStats.of(b)
    mu_a, cov_a = sa.mean_cov()
    np.testing.assert_allclose(mu_a, a.mean(0), rtol=1e-12)
    np.testing.assert_allclose(cov_a, np.cov(a, rowvar=False), rtol=1e-10, atol=1e-12)
    expected = _reference_fid(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    assert frechet_distance(mu_a, cov_a, *sb.mean_cov(), method=method) == pytest.approx(expected, rel=1e-9)


def test_frechet_distance_fewer_samples_than_dimensions():
    """The rank-deficient case of small test sets: both methods agree with pytorch-fid at 1e-5."""
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(20, 96)), rng.normal(0.1, size=(15, 96))
    expected = _reference_fid(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
    sa, sb = ActivationStats.of(a), ActivationStats.of(b)
    for method in ("sqrtm", "eigh"):
        assert frechet_distance(*sa.mean_cov(), *sb.mean_cov(), method=method) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("method", ["sqrtm", "eigh"])
def test_fid_of_a_set_with_itself_is_zero(method):
    x = np.random.default_rng(1).normal(size=(300, 16))
    s = ActivationStats.of(x)
    assert abs(frechet_distance(*s.mean_cov(), *s.mean_cov(), method=method)) < 1e-8


def test_merged_shards_equal_one_pass(torch_home):
    import json

    metric = FID()
    clips = [(_frames(s, n), _frames(s + 10, n)) for s, n in [(3, 1), (4, 2), (5, 1)]]
    states = [metric.clip_state(Sample(gen=g, gt=t)) for g, t in clips]
    states = [json.loads(json.dumps(s)) for s in states]  # states survive JSON bit-exactly
    two_shards = metric.merge([metric.merge(states[:2]), json.loads(json.dumps(metric.merge(states[2:])))])
    one_pass = metric.merge(states)
    assert two_shards["n_gen"] == one_pass["n_gen"] == 4
    for key in ("sum_gen", "outer_gen", "sum_gt", "outer_gt"):
        np.testing.assert_allclose(decode_array(two_shards[key]), decode_array(one_pass[key]), rtol=1e-12, atol=1e-12)
    # the merged statistics are those of all frames pooled into one folder (pytorch-fid's mu and np.cov)
    all_gen = np.concatenate([decode_array(s["act_gen"]) for s in states]).astype(np.float64)
    mu, cov = ActivationStats(
        one_pass["n_gen"], decode_array(one_pass["sum_gen"]), decode_array(one_pass["outer_gen"])
    ).mean_cov()
    np.testing.assert_allclose(mu, all_gen.mean(0), rtol=1e-12)
    np.testing.assert_allclose(cov, np.cov(all_gen, rowvar=False), rtol=1e-9, atol=1e-9 * np.abs(cov).max())


def test_missing_inception_names_the_hub_cache(tmp_path, monkeypatch):
    from eatbench.errors import MissingWeightsError

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "t"))
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "w"))
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    with pytest.raises(MissingWeightsError, match=r"pt_inception-2015-12-05-6726825d\.pth .*t/hub/checkpoints"):
        FID().clip_state(Sample(gen=_frames(0, 2), gt=_frames(1, 2)))


def test_ground_truth_activations_are_computed_once_with_the_same_bits(torch_home, tmp_path, monkeypatch):
    """A second method on the same clip runs the Inception on its own frames only; the state is the one a
    fresh computation gives, bit for bit (cache off), and a damaged cache file is recomputed, not an error."""
    from eatbench.judges import inception

    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))
    calls: list[int] = []
    real = inception.inception_activations

    def counting(net, frames, batch_size=inception.BATCH):
        calls.append(len(frames))
        return real(net, frames, batch_size)

    monkeypatch.setattr(inception, "inception_activations", counting)
    gt, gen1, gen2 = _frames(2, 3), _frames(1, 3), _frames(3, 3)
    metric = FID()
    first = metric.clip_state(Sample(gen=gen1, gt=gt))
    assert len(calls) == 2
    second = metric.clip_state(Sample(gen=gen2, gt=gt))  # another method's video of the same clip
    assert len(calls) == 3 and second["act_gt"] == first["act_gt"]
    monkeypatch.setenv("EATBENCH_ACTIVATION_CACHE", "0")
    assert metric.clip_state(Sample(gen=gen2, gt=gt)) == second and len(calls) == 5  # computed afresh: equal
    monkeypatch.delenv("EATBENCH_ACTIVATION_CACHE")
    metric.clip_state(Sample(gen=gen1, gt=_frames(4, 3)))  # another ground truth: computed
    assert len(calls) == 7
    for f in (tmp_path / "home").rglob("*.npy"):
        f.write_bytes(b"not an array")
    assert metric.clip_state(Sample(gen=gen1, gt=gt)) == first and len(calls) == 9
    assert metric.clip_state(Sample(gen=gen1, gt=gt)) == first and len(calls) == 10  # rewritten whole
