"""Voice and room augmentation of training audio that keeps its timing (the ``tiny`` preset).

A model trained on one synthetic voice family and clean studio audio hears a recorded human voice
as something new. Each augmented copy of a clip's 16 kHz audio goes through, in order:

1. room reverberation (probability ``p_reverb``): convolution with an exponentially decaying noise
   impulse response, RT60 drawn from ``rt60``, the direct path first, loudness kept;
2. a spectral tilt (probability ``p_tilt``): ``tilt_db`` dB per octave around 1 kHz (microphone and
   voice colour);
3. a band limit (probability ``p_band``): down to 8 or 11.025 kHz and back (telephone and cheap
   recorders);
4. additive noise, always: white or pink at an SNR drawn from ``snr_db``, so no copy has the
   demo's digital silence.

None of these moves a sample in time, so the copy stays aligned with the clip's frames. Everything
comes from the ``numpy.random.Generator`` passed in.

Example:
    >>> import numpy as np
    >>> x = np.sin(np.linspace(0, 800, 16000)).astype(np.float32)
    >>> y = augment_audio(x, np.random.default_rng(0))
    >>> y.shape == x.shape and y.dtype == np.float32
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class AugmentSettings:
    """Probabilities and ranges of :func:`augment_audio`."""

    p_reverb: float = 0.5
    rt60: tuple[float, float] = (0.1, 0.7)
    p_tilt: float = 0.5
    tilt_db: tuple[float, float] = (-4.0, 4.0)
    p_band: float = 0.3
    snr_db: tuple[float, float] = (5.0, 35.0)


def reverberate(x: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    """x convolved with a decaying-noise room response of reverberation time ``rt60`` s (RMS kept)."""
    from scipy.signal import fftconvolve

    t = np.arange(max(1, int(rt60 * SAMPLE_RATE))) / SAMPLE_RATE
    h = rng.normal(0.0, 1.0, t.size) * np.exp(-6.9 * t / rt60)  # -60 dB at rt60
    h[0] = 1.0  # the direct sound
    y = fftconvolve(x, h / np.sqrt(np.sum(h**2)))[: x.size]
    return y * np.sqrt(np.mean(x**2) / (np.mean(y**2) + 1e-12))


def tilt(x: np.ndarray, db_per_octave: float) -> np.ndarray:
    """A gain of ``db_per_octave`` dB per octave around 1 kHz (flat below 100 Hz)."""
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1.0 / SAMPLE_RATE)
    gain = 10.0 ** (db_per_octave * np.log2(np.maximum(freqs, 100.0) / 1000.0) / 20.0)
    return np.fft.irfft(spectrum * gain, x.size)


def band_limit(x: np.ndarray, rate: int) -> np.ndarray:
    """Down to ``rate`` Hz and back up to 16 kHz (polyphase filters), same length."""
    from math import gcd

    from scipy.signal import resample_poly

    g = gcd(SAMPLE_RATE, rate)
    y = resample_poly(resample_poly(x, rate // g, SAMPLE_RATE // g), SAMPLE_RATE // g, rate // g)
    return np.pad(y, (0, max(0, x.size - y.size)))[: x.size]


def add_noise(x: np.ndarray, snr_db: float, rng: np.random.Generator, pink: bool) -> np.ndarray:
    """x plus white or pink noise at ``snr_db`` dB below the signal's mean power."""
    noise = rng.normal(0.0, 1.0, x.size)
    if pink:
        spectrum = np.fft.rfft(noise)
        noise = np.fft.irfft(spectrum / np.sqrt(np.arange(1, spectrum.size + 1)), x.size)
    power = np.mean(x**2) + 1e-12
    return x + noise * np.sqrt(power / 10.0 ** (snr_db / 10.0) / (np.mean(noise**2) + 1e-20))


def augment_audio(
    samples: np.ndarray, rng: np.random.Generator, settings: AugmentSettings = AugmentSettings()
) -> np.ndarray:
    """One augmented copy of a 16 kHz mono signal (steps 1-4 of the module docstring), float32."""
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    # 1. Room reverberation.
    if rng.random() < settings.p_reverb:
        x = reverberate(x, rng.uniform(*settings.rt60), rng)
    # 2. Spectral tilt.
    if rng.random() < settings.p_tilt:
        x = tilt(x, rng.uniform(*settings.tilt_db))
    # 3. Band limit.
    if rng.random() < settings.p_band:
        x = band_limit(x, int(rng.choice([8000, 11025])))
    # 4. Noise.
    x = add_noise(x, rng.uniform(*settings.snr_db), rng, pink=bool(rng.random() < 0.5))
    return x.astype(np.float32)
