"""Timing-preserving audio augmentation: each step checked on signals whose answer is known."""

from __future__ import annotations

import numpy as np

from eatface.audio_augment import add_noise, augment_audio, band_limit, reverberate, tilt

SR = 16000


def tone(freq: float, seconds: float = 1.0) -> np.ndarray:
    return np.sin(2 * np.pi * freq * np.arange(int(seconds * SR)) / SR)


def power_at(x: np.ndarray, freq: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(x.size))) ** 2
    k = round(freq * x.size / SR)
    return float(spectrum[k - 2 : k + 3].sum())


def test_noise_has_the_asked_snr():
    x = tone(440.0)
    for pink in (False, True):
        y = add_noise(x, 20.0, np.random.default_rng(0), pink)
        snr = 10 * np.log10(np.mean(x**2) / np.mean((y - x) ** 2))
        assert abs(snr - 20.0) < 1e-6


def test_tilt_by_hand():
    x = tone(1000.0) + tone(2000.0)
    np.testing.assert_allclose(tilt(x, 0.0), x, atol=1e-9)
    y = tilt(x, 6.0)  # +6 dB per octave: the 2 kHz tone doubles, the 1 kHz tone stays
    assert abs(power_at(y, 1000.0) / power_at(x, 1000.0) - 1.0) < 0.01
    assert abs(power_at(y, 2000.0) / power_at(x, 2000.0) - 10 ** (12 / 20)) < 0.05


def test_band_limit_removes_high_tones_only():
    x = tone(1000.0) + tone(6000.0)
    y = band_limit(x, 8000)
    assert y.shape == x.shape
    assert power_at(y, 6000.0) < 1e-4 * power_at(x, 6000.0)
    assert abs(power_at(y, 1000.0) / power_at(x, 1000.0) - 1.0) < 0.05


def test_reverberation_keeps_loudness_and_never_moves_sound_earlier():
    x = np.zeros(SR)
    x[8000:8400] = tone(500.0, 0.025)
    y = reverberate(x, 0.5, np.random.default_rng(0))
    assert abs(np.mean(y**2) / np.mean(x**2) - 1.0) < 1e-9
    assert np.abs(y[:8000]).max() < 1e-12 * np.abs(y).max()  # causal: nothing (but FFT rounding) before the sound
    assert np.abs(y[9000:]).max() > 0  # the tail rings on after it


def test_augment_is_seeded_same_length_float32():
    x = tone(300.0).astype(np.float32)
    a = augment_audio(x, np.random.default_rng(5))
    assert a.dtype == np.float32 and a.shape == x.shape
    np.testing.assert_array_equal(a, augment_audio(x, np.random.default_rng(5)))
    assert not np.array_equal(a, augment_audio(x, np.random.default_rng(6)))
