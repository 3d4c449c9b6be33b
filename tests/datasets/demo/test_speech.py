"""espeak-ng speech for the demo corpus: reproducibility, phoneme timings, emotional prosody."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.datasets.demo.speech import PROSODY, Prosody, synthesize

TEXT = "The birch canoe slid on the smooth planks."


def test_same_arguments_give_identical_samples_whatever_was_spoken_before():
    first = synthesize(TEXT, "en-us+m3", PROSODY["happy"], seed=7)
    synthesize("Something else entirely, to disturb any state.", "en-us+f2", PROSODY["sad"], seed=1)
    again = synthesize(TEXT, "en-us+m3", PROSODY["happy"], seed=7)
    assert np.array_equal(first.audio.samples, again.audio.samples)
    assert first.phonemes == again.phonemes


def test_audio_is_16k_speech_and_phonemes_tile_it_in_order():
    u = synthesize(TEXT, "en-us", Prosody())
    assert u.audio.sample_rate == 16000
    assert 1.0 < u.audio.duration < 4.0
    starts = [p.start for p in u.phonemes]
    assert starts == sorted(starts)
    assert all(p.end > p.start for p in u.phonemes)
    assert all(a.end == pytest.approx(b.start) for a, b in zip(u.phonemes, u.phonemes[1:], strict=False))
    # espeak's phoneme mnemonics for the text: the bilabial "m" of "smooth" and the "p" of "planks" appear
    names = [p.name.lstrip("',") for p in u.phonemes]
    assert "m" in names and "p" in names
    # The leading pad (0.12 s) is silent and the first phoneme starts right after it.
    lead = u.audio.samples[: int(0.1 * 16000)]
    assert np.abs(lead).max() < 0.02
    assert u.phonemes[0].start == pytest.approx(0.12, abs=0.03)


def test_phoneme_timing_matches_the_waveform():
    """The energy inside phoneme spans is far above the energy in the trimmed silence around them."""
    u = synthesize(TEXT, "en-us", Prosody())
    x = u.audio.samples
    t0, t1 = u.phonemes[0].start, u.phonemes[-1].end
    speech = x[int(t0 * 16000) : int(t1 * 16000)]
    assert np.sqrt(np.mean(speech**2)) > 20 * np.sqrt(np.mean(x[: int(0.1 * 16000)] ** 2) + 1e-12)


def _f0(x: np.ndarray, sr: int = 16000) -> float:
    """Median autocorrelation pitch of voiced 40 ms frames (a textbook estimator, 70-400 Hz)."""
    out = []
    for s in range(0, len(x) - 640, 320):
        f = x[s : s + 640] - x[s : s + 640].mean()
        if np.sqrt(np.mean(f**2)) < 0.05 * np.abs(x).max():
            continue
        ac = np.correlate(f, f, "full")[639:]
        lo, hi = sr // 400, sr // 70
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.4 * ac[0]:
            out.append(sr / lag)
    return float(np.median(out))


def test_emotion_prosody_changes_rate_pitch_and_loudness():
    sad = synthesize(TEXT, "en-us+m3", PROSODY["sad"])
    fear = synthesize(TEXT, "en-us+m3", PROSODY["fear"])
    angry = synthesize(TEXT, "en-us+m3", PROSODY["angry"])
    surprised = synthesize(TEXT, "en-us+m3", PROSODY["surprised"])
    # Sadness is slow, fear fast.
    assert sad.audio.duration > 1.25 * fear.audio.duration
    # Surprise is pitched well above sadness.
    assert _f0(surprised.audio.samples) > 1.2 * _f0(sad.audio.samples)
    # Anger is louder than sadness.
    rms = lambda u: np.sqrt(np.mean(u.audio.samples**2))  # noqa: E731
    assert rms(angry) > 1.5 * rms(sad)


def test_voice_variants_differ_and_unknown_voice_is_refused():
    male = synthesize(TEXT, "en-us+m3", Prosody())
    female = synthesize(TEXT, "en-us+f2", Prosody())
    assert _f0(female.audio.samples) > 1.3 * _f0(male.audio.samples)
    with pytest.raises(ValueError, match="no such voice"):
        synthesize(TEXT, "xx-nonexistent", Prosody())
