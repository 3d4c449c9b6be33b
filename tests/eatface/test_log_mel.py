"""The tiny preset's log-mel front end: filterbank, timing, normalisation, context stacking, round trip."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from eatface.log_mel import LogMelEncoder, mel_filterbank

SR = 16000


def tone(freq: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(int(seconds * SR)) / SR)).astype(np.float32)


def test_filterbank_triangles_peak_at_their_centres_and_sum_to_one_between_them():
    fb = mel_filterbank(10, 512, SR, 50.0, 8000.0).numpy()
    assert fb.shape == (10, 257) and fb.min() >= 0 and fb.max() <= 1
    freqs = np.linspace(0, SR / 2, 257)
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    edges = 700 * (10 ** (np.linspace(mel(50.0), mel(8000.0), 12) / 2595) - 1)
    # Between the first and the last centre, neighbouring triangles share edges: they sum to 1.
    inside = (freqs > edges[1]) & (freqs < edges[10])
    np.testing.assert_allclose(fb[:, inside].sum(0), 1.0, atol=1e-5)
    # Filter k is zero outside (edges[k], edges[k + 2]).
    for k in range(10):
        outside = (freqs <= edges[k]) | (freqs >= edges[k + 2])
        assert not fb[k, outside].any()


def test_a_tone_lights_its_own_band():
    enc = LogMelEncoder(n_mels=20, context=0)
    fb = mel_filterbank(20, 512, SR, 50.0, 8000.0).numpy()
    for freq in (300.0, 1000.0, 3000.0):
        band = int(fb[:, round(freq / (SR / 2) * 256)].argmax())
        frames = enc.log_mel(torch.from_numpy(tone(freq, 0.5)))
        assert int(frames[25].argmax()) == band


def test_shapes_rate_and_context_stacking_by_hand():
    enc = LogMelEncoder(n_mels=8, context=2, context_step=3)
    x = np.random.default_rng(0).normal(0, 0.1, int(1.3 * SR)).astype(np.float32)
    feats = enc.features(x)
    assert feats.shape == (65, 8 * 5) and enc.hidden_size == 40  # 50 per second, (2·2 + 1) · 8
    frames = enc.log_mel(torch.from_numpy(x))  # 100 per second, frame j centred at 10 j ms
    s = 30  # centred at 610 ms = mel frame 61; stacks frames 55, 58, 61, 64, 67
    expected = torch.cat([frames[j] for j in (55, 58, 61, 64, 67)])
    assert torch.equal(feats[s], expected)
    assert torch.equal(feats[0, :8], frames[0]) and torch.equal(feats[0, 16:24], frames[1])  # clamped at the start


def test_a_burst_shows_at_its_time():
    enc = LogMelEncoder(n_mels=16, context=0)
    x = np.zeros(2 * SR, np.float32)
    x[int(1.2 * SR) : int(1.3 * SR)] = tone(1000.0, 0.1)
    band = int(mel_filterbank(16, 512, SR, 50.0, 8000.0)[:, round(1000 / 8000 * 256)].argmax())
    energy = enc.features(x)[:, band]  # the tone's band (the abrupt edges also light every band briefly)
    loud = torch.nonzero(energy > energy.min() + 0.5 * (energy.max() - energy.min())).flatten()
    # Features s with centres (s + 0.5) / 50 s inside 1.2-1.3 s: s = 60..64 (the 25 ms window blurs by one).
    assert loud.min() >= 59 and loud.max() <= 65 and {60, 61, 62, 63} <= set(loud.tolist())


def test_gain_and_a_low_noise_floor_do_not_change_the_features():
    enc = LogMelEncoder()
    x = np.zeros(2 * SR, np.float32)
    x[8000:24000] = tone(440.0, 1.0) * np.hanning(16000).astype(np.float32)
    assert torch.allclose(enc.features(x), enc.features(3 * x), atol=1e-4)
    # Noise 90 dB below the tone falls under the 60 dB floor, like digital silence (only the faded
    # edges of the tone, where it meets the noise, move, by well under 1 % of a standard deviation).
    noisy = x + np.random.default_rng(0).normal(0, 1e-5, x.size).astype(np.float32)
    assert torch.allclose(enc.features(x), enc.features(noisy), atol=1e-2)


def test_save_load_round_trip_and_interface(tmp_path):
    enc = LogMelEncoder(n_mels=12, context=1)
    enc.save_pretrained(tmp_path)
    again = LogMelEncoder.from_pretrained(tmp_path)
    x = np.random.default_rng(1).normal(0, 0.1, SR).astype(np.float32)
    assert torch.equal(again.features(x), enc.features(x))
    assert torch.equal(enc(torch.from_numpy(x)[None]).last_hidden_state[0], enc.features(x))
    with pytest.raises(ValueError, match=r"\(1, T\)"):
        enc(torch.zeros(2, 100))
    assert not list(enc.parameters())  # nothing to train


def test_very_short_input_still_gives_one_feature():
    assert LogMelEncoder(n_mels=8, context=1).features(np.zeros(100, np.float32)).shape == (1, 24)


def test_a_saved_tiny_pipeline_loads_in_a_fresh_process(tmp_path):
    """from_pretrained finds the log-mel component without the caller importing eatface.log_mel first."""
    import subprocess
    import sys

    from eatface import build_pipeline, get_preset

    build_pipeline(get_preset("tiny", ablation="w/o-Emo")).save_pretrained(tmp_path)
    code = (
        "import sys; from eatface.pipeline_eatface import EATFacePipeline; "
        "p = EATFacePipeline.from_pretrained(sys.argv[1]); print(type(p.audio_encoder).__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "LogMelEncoder"
