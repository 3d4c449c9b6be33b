"""MFCC exactly as ``python_speech_features.mfcc`` 0.6 computes it, vectorised (the SyncNet audio input).

syncnet_python feeds the *raw int16* samples to ``python_speech_features.mfcc(audio, 16000)`` with every
default: 25 ms rectangular windows every 10 ms, pre-emphasis 0.97, a 512-point FFT power spectrum,
26 mel filters from 0 Hz to Nyquist, log, orthonormal DCT-II, the first 13 coefficients, a sinusoidal
lifter (L=22), and c0 replaced by the log frame energy. Float audio in [-1, 1] instead of int16 shifts
c0 by 2·ln(32768) ≈ 20.79, so callers must pass int16 values (metrics-protocols.md §1.2 step 4).

Example:
    >>> import numpy as np
    >>> mfcc(np.zeros(6400, dtype=np.int16)).shape
    (39, 13)
"""

from __future__ import annotations

import decimal
import math
from functools import lru_cache

import numpy as np
from scipy.fft import dct

_EPS = np.finfo(float).eps


def _round_half_up(x: float) -> int:
    return int(decimal.Decimal(x).quantize(decimal.Decimal("1"), rounding=decimal.ROUND_HALF_UP))


def hz_to_mel(hz: np.ndarray | float) -> np.ndarray | float:
    return 2595 * np.log10(1 + np.asarray(hz) / 700.0)


def mel_to_hz(mel: np.ndarray | float) -> np.ndarray | float:
    return 700 * (10 ** (np.asarray(mel) / 2595.0) - 1)


@lru_cache(maxsize=8)
def mel_filterbank(
    nfilt: int = 26, nfft: int = 512, samplerate: int = 16000, lowfreq: float = 0, highfreq: float | None = None
) -> np.ndarray:
    """Triangular mel filters ``(nfilt, nfft//2 + 1)`` on FFT bins ``floor((nfft+1)·hz/sr)``."""
    highfreq = highfreq or samplerate / 2
    if highfreq > samplerate / 2:
        raise ValueError(f"highfreq={highfreq} is above the Nyquist frequency {samplerate / 2}")
    mels = np.linspace(hz_to_mel(lowfreq), hz_to_mel(highfreq), nfilt + 2)
    bins = np.floor((nfft + 1) * mel_to_hz(mels) / samplerate)  # (nfilt + 2,)
    k = np.arange(nfft // 2 + 1)[None, :]  # (1, K)
    left, centre, right = bins[:-2, None], bins[1:-1, None], bins[2:, None]  # (nfilt, 1) each
    with np.errstate(divide="ignore", invalid="ignore"):
        rise = np.where((k >= left) & (k < centre), (k - left) / (centre - left), 0.0)
        fall = np.where((k >= centre) & (k < right), (right - k) / (right - centre), 0.0)
    fb = rise + fall
    fb.setflags(write=False)
    return fb


def frame_signal(signal: np.ndarray, frame_len: int, frame_step: int) -> np.ndarray:
    """Overlapping frames ``(numframes, frame_len)``; the tail is zero-padded to a whole frame."""
    n = len(signal)
    numframes = 1 if n <= frame_len else 1 + math.ceil((n - frame_len) / frame_step)
    padded = np.zeros((numframes - 1) * frame_step + frame_len, dtype=np.float64)
    padded[:n] = signal
    return np.lib.stride_tricks.sliding_window_view(padded, frame_len)[::frame_step]


def mfcc(
    signal: np.ndarray,
    samplerate: int = 16000,
    winlen: float = 0.025,
    winstep: float = 0.01,
    numcep: int = 13,
    nfilt: int = 26,
    nfft: int = 512,
    lowfreq: float = 0,
    highfreq: float | None = None,
    preemph: float = 0.97,
    ceplifter: int = 22,
    append_energy: bool = True,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients, ``python_speech_features.mfcc`` 0.6 with a rectangular window.

    Args:
        signal: ``(N,)`` samples; SyncNet passes int16 values unscaled.
        samplerate: sampling rate in Hz.

    Returns:
        ``(numframes, numcep)`` float64 array.
    """
    signal = np.asarray(signal)
    if signal.ndim != 1 or signal.size == 0:
        raise ValueError(f"signal must be a non-empty 1-D array, got shape {signal.shape}")
    x = signal.astype(np.float64)
    # 1. Pre-emphasis y[n] = x[n] - 0.97 x[n-1], y[0] = x[0].
    y = np.empty_like(x)
    y[0] = x[0]
    y[1:] = x[1:] - preemph * x[:-1]
    # 2. Frames (rectangular window) and power spectrum |rfft|² / nfft.
    frames = frame_signal(y, _round_half_up(winlen * samplerate), _round_half_up(winstep * samplerate))
    if frames.shape[1] > nfft:
        raise ValueError(f"frame length {frames.shape[1]} exceeds nfft={nfft}")
    pspec = np.square(np.abs(np.fft.rfft(frames, nfft))) / nfft  # (M, nfft//2+1)
    energy = pspec.sum(axis=1)
    energy = np.where(energy == 0, _EPS, energy)
    # 3. Mel filterbank energies, log, orthonormal DCT-II, keep numcep.
    feat = pspec @ mel_filterbank(nfilt, nfft, samplerate, lowfreq, highfreq).T  # (M, nfilt)
    feat = np.where(feat == 0, _EPS, feat)
    cep = dct(np.log(feat), type=2, axis=1, norm="ortho")[:, :numcep]
    # 4. Sinusoidal lifter, then c0 := log frame energy.
    if ceplifter > 0:
        n = np.arange(cep.shape[1])
        cep = cep * (1 + (ceplifter / 2.0) * np.sin(np.pi * n / ceplifter))
    if append_energy:
        cep[:, 0] = np.log(energy)
    return cep
