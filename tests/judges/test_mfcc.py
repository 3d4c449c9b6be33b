"""MFCC against python_speech_features.mfcc (the SyncNet audio input)."""

from __future__ import annotations

import numpy as np
import pytest
import python_speech_features as psf

from eatbench.judges.functional.mfcc import mel_filterbank, mfcc


@pytest.mark.parametrize("n", [1, 399, 400, 401, 6400, 16000 * 3 + 17])
def test_mfcc_matches_python_speech_features_int16(n):
    audio = (np.random.default_rng(n).standard_normal(n) * 3000).astype(np.int16)
    expected = psf.mfcc(audio, 16000)
    ours = mfcc(audio, 16000)
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-8)


def test_frame_count_for_whole_video_frames():
    # metrics-protocols.md §1.2: L = 640·N samples give 4N − 1 MFCC frames
    for n_frames in (10, 125):
        assert mfcc(np.zeros(640 * n_frames, np.int16)).shape == (4 * n_frames - 1, 13)


def test_silence_and_float_audio_trap():
    silent = np.zeros(3200, np.int16)
    np.testing.assert_allclose(mfcc(silent), psf.mfcc(silent, 16000), rtol=1e-12)
    audio = (np.random.default_rng(0).standard_normal(6400) * 3000).astype(np.int16)
    as_float = audio.astype(np.float64) / 32768
    shift = mfcc(audio) - mfcc(as_float)
    np.testing.assert_allclose(shift[:, 0], 2 * np.log(32768), rtol=1e-9)  # only c0 moves, by 20.79
    np.testing.assert_allclose(shift[:, 1:], 0, atol=1e-8)


def test_filterbank_matches_reference():
    np.testing.assert_allclose(mel_filterbank(26, 512, 16000), psf.get_filterbanks(26, 512, 16000), rtol=0, atol=0)
