"""SyncNet_S against the syncnet-python package's model: same state-dict, same features."""

from __future__ import annotations

import pickle

import pytest
import torch
from judge_fakes import randomize_batchnorm
from syncnet_python.SyncNetModel import S as ReferenceS

from eatbench.errors import InputError
from eatbench.judges.syncnet import SyncNetS, load_syncnet, save_syncnet_safetensors


def _official_file(path, seed=0):
    """A random syncnet_v2.model in the official format: torch-saved state_dict, no num_batches_tracked."""
    torch.manual_seed(seed)
    ref = ReferenceS()
    randomize_batchnorm(ref, seed)
    state = {k: v for k, v in ref.state_dict().items() if not k.endswith("num_batches_tracked")}
    torch.save(state, path)
    return ref.eval()


def test_state_dict_keys_and_shapes_match_reference():
    ours = {k: tuple(v.shape) for k, v in SyncNetS().state_dict().items()}
    ref = {k: tuple(v.shape) for k, v in ReferenceS().state_dict().items()}
    assert list(ours) == list(ref)  # same names, same order
    assert ours == ref
    n_params = sum(p.numel() for p in SyncNetS().parameters())
    assert n_params == 13_631_616  # metrics-protocols.md §1.3


def test_official_file_loads_and_matches_reference_features(tmp_path):
    path = tmp_path / "syncnet_v2.model"
    ref = _official_file(path)
    assert not any(k.endswith("num_batches_tracked") for k in torch.load(path, weights_only=True))
    ours = load_syncnet(path)
    g = torch.Generator().manual_seed(1)
    aud = torch.randn(3, 1, 13, 20, generator=g) * 10
    lip = torch.rand(2, 3, 5, 224, 224, generator=g) * 255
    with torch.no_grad():
        torch.testing.assert_close(ours.forward_aud(aud), ref.forward_aud(aud), rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(ours.forward_lip(lip), ref.forward_lip(lip), rtol=1e-5, atol=1e-4)


def test_sequence_forward_equals_per_window_forward():
    torch.manual_seed(0)
    net = SyncNetS(64, (8, 8, 8, 8, 8, 16), (8, 8, 8, 8, 8, 16))
    randomize_batchnorm(net)
    net.eval()
    clip = torch.rand(1, 3, 9, 224, 224) * 255  # 5 windows
    with torch.no_grad():
        seq = net.forward_lip_sequence(clip)
        windows = torch.cat([clip[:, :, v : v + 5] for v in range(5)])
        per_window = net.forward_lip(windows)
    assert seq.shape == (5, 64)
    torch.testing.assert_close(seq, per_window, rtol=1e-5, atol=1e-5)


def test_demo_safetensors_round_trip(tmp_path):
    net = SyncNetS(32, (4, 8, 8, 8, 8, 16), (4, 8, 8, 8, 8, 16))
    randomize_batchnorm(net, 3)
    save_syncnet_safetensors(net, tmp_path / "syncnet.safetensors")
    back = load_syncnet(tmp_path / "syncnet.safetensors")
    assert back.config == net.config
    x = torch.randn(2, 1, 13, 20)
    with torch.no_grad():
        torch.testing.assert_close(back.forward_aud(x), net.eval().forward_aud(x))


class _Evil:
    def __reduce__(self):
        return (print, ("unpickled code ran",))


def test_loader_refuses_pickled_objects(tmp_path):
    path = tmp_path / "syncnet_v2.model"
    with open(path, "wb") as f:
        pickle.dump({"netcnnaud.0.weight": _Evil()}, f)
    with pytest.raises(InputError, match="not a torch-saved state_dict"):
        load_syncnet(path)


def test_loader_rejects_wrong_keys(tmp_path):
    path = tmp_path / "syncnet_v2.model"
    torch.save({"conv.weight": torch.zeros(1)}, path)
    with pytest.raises(InputError, match="not a SyncNet_S state_dict"):
        load_syncnet(path)
