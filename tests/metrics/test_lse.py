"""LSE-D/LSE-C against the syncnet-python package's own evaluate() with the same random weights."""

from __future__ import annotations

import math
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
import torch
from scipy.io import wavfile
from syncnet_python.SyncNetInstance import SyncNetInstance, calc_pdist
from syncnet_python.SyncNetModel import S as ReferenceS

from eatbench.judges.functional.lse import lse, lse_from_distances, sync_distances, syncnet_frames
from eatbench.metrics.base import Sample
from eatbench.metrics.lse import LSEConfidence, LSEDistance, offset_counts


def _randomize_batchnorm(module: torch.nn.Module, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)


@pytest.fixture(scope="module")
def official_syncnet(tmp_path_factory):
    """A random syncnet_v2.model (official format) in a temp EATBENCH_WEIGHTS folder."""
    folder = tmp_path_factory.mktemp("weights")
    torch.manual_seed(0)
    ref = ReferenceS()
    _randomize_batchnorm(ref, 0)
    state = {k: v for k, v in ref.state_dict().items() if not k.endswith("num_batches_tracked")}
    torch.save(state, folder / "syncnet_v2.model")
    return folder


def _clip(seed: int, n_frames: int, size: int = 256):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (1, size, size, 3))
    frames = np.clip(base + rng.integers(-40, 40, (n_frames, size, size, 3)), 0, 255).astype(np.uint8)
    audio = (rng.standard_normal(n_frames * 640) * 2000).astype(np.int16)
    return frames, audio


def test_calc_pdist_matches_reference():
    g = torch.Generator().manual_seed(0)
    v, a = torch.randn(23, 64, generator=g), torch.randn(23, 64, generator=g)
    ref = torch.stack(calc_pdist(v, a, vshift=15), 0)  # (N, 31)
    torch.testing.assert_close(sync_distances(v, a, 15), ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("k", [-3, 0, 2, 7])
def test_offset_of_features_shifted_by_k_frames(k):
    """Lip features that equal the audio features k frames earlier: offset k, LSE-D ≈ eps·sqrt(D)."""
    g = torch.Generator().manual_seed(1)
    n, d = 40, 32
    signal = torch.randn(n + 40, d, generator=g)  # one feature per frame of a synthetic "utterance"
    audio_feat = signal[20 : 20 + n]  # a_i
    video_feat = signal[20 - k : 20 - k + n]  # v_i = a_{i-k}: audio leads the video by k frames
    result = lse_from_distances(sync_distances(video_feat, audio_feat, 15), 15)
    assert result.offset == k
    assert result.lse_c > 0
    # exact match everywhere except the |k| windows whose partner falls into the zero padding
    assert result.lse_d < abs(k) / n * 20 + 1e-3


def test_frames_are_bgr_resized_with_inter_linear():
    frames, _ = _clip(0, 2)
    out = syncnet_frames(frames)
    expected = cv2.resize(cv2.cvtColor(frames[1], cv2.COLOR_RGB2BGR), (224, 224), interpolation=cv2.INTER_LINEAR)
    np.testing.assert_array_equal(out[1], expected)


def test_lse_matches_syncnet_python_evaluate(official_syncnet, tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(official_syncnet))
    frames, audio = _clip(1, 14)
    # The reference reads <tmp_dir>/*.jpg with cv2.imread and audio.wav with scipy. PNG bytes under a
    # .jpg name decode losslessly, so both implementations see identical 224x224 BGR arrays.
    bgr224 = syncnet_frames(frames)
    for t, img in enumerate(bgr224):
        (tmp_path / f"{t + 1:06d}.jpg").write_bytes(cv2.imencode(".png", img)[1].tobytes())
    wavfile.write(tmp_path / "audio.wav", 16000, audio)
    ref_net = ReferenceS()
    instance = SyncNetInstance(ref_net, device="cpu")  # the package takes a device; no .cuda() patch needed
    instance.loadParameters(str(official_syncnet / "syncnet_v2.model"))
    with torch.no_grad():
        ref_offset, ref_conf, ref_minval = instance.evaluate(
            SimpleNamespace(tmp_dir=str(tmp_path), batch_size=20, vshift=15)
        )

    sample = Sample(gen=frames, audio=audio, clip_id="c1")
    d_metric, c_metric = LSEDistance(), LSEConfidence()
    d_state, c_state = d_metric.clip_state(sample), c_metric.clip_state(sample)
    assert d_metric.value(d_state) == pytest.approx(ref_minval, rel=1e-5)
    assert c_metric.value(c_state) == pytest.approx(ref_conf, rel=1e-5, abs=1e-5 * ref_minval)
    result = sample.cache["syncnet:official:15"]
    assert result.offset == ref_offset
    assert result.n_windows == 14 - 5


def test_shared_pass_and_mean_over_videos(official_syncnet, monkeypatch):
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(official_syncnet))
    from eatbench.judges.syncnet import syncnet_for

    net = syncnet_for("official")
    clips = [_clip(s, n) for s, n in [(2, 7), (3, 9)]]
    per_video = [lse(net, f, a) for f, a in clips]
    metric = LSEDistance()
    states = [metric.clip_state(Sample(gen=f, audio=a)) for f, a in clips]
    assert metric.value(metric.merge(states)) == pytest.approx(np.mean([r.lse_d for r in per_video]), rel=1e-6)
    # a clip with fewer than 6 frames has no window: counted as skipped, not scored
    short = metric.clip_state(Sample(gen=clips[0][0][:5], audio=clips[0][1]))
    assert short == {"sum": 0.0, "n": 0, "skipped": 1, "abs_offset_sum": 0, "offset_hist": [0] * 31}
    merged = metric.merge([*states, short])
    assert merged["skipped"] == 1 and merged["n"] == 2
    # the offset histogram counts each scored clip once, at the reference's offset
    expected: dict[int, int] = {}
    for r in per_video:
        expected[r.offset] = expected.get(r.offset, 0) + 1
    assert offset_counts(merged) == expected
    assert metric.settings_key()["state"] == "offset-hist"  # states of the old layout are not merged in
    assert math.isnan(metric.value(short))


def test_missing_weights_is_one_clear_error(tmp_path, monkeypatch):
    from eatbench.errors import MissingWeightsError

    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path))
    frames, audio = _clip(0, 8)
    with pytest.raises(MissingWeightsError, match=r"syncnet_v2\.model .*eatbench weights fetch syncnet"):
        LSEDistance().clip_state(Sample(gen=frames, audio=audio))
