"""The portable speech judge on real recorded speech (pyannote.audio's sample.wav and its reference turns)
and on noise: speech found where people speak, none where nobody does."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.errors import InputError
from eatbench.judges.portable_check import colored_noise, sample_speech, vad_check
from eatbench.judges.silero import speech_frames, speech_segments


def test_speech_is_found_in_real_speech_and_none_in_noise():
    out = vad_check()
    speech = out["speech"]
    # 1. The reference turns of a real telephone call: frame-level F1 well above chance, nothing found in
    #    the 6.7 s of silence before the first turn.
    assert speech["frame_precision"] > 0.95 and speech["frame_recall"] > 0.95
    assert speech["speech_found_in_leading_silence_seconds"] == 0.0
    assert abs(speech["found_speech_seconds"] - speech["reference_speech_seconds"]) < 1.0
    # 2. White, pink and brown noise up to -10 dBFS: no speech.
    assert len(out["noise_10s_speech_found_seconds"]) == 9
    assert all(v == 0 for v in out["noise_10s_speech_found_seconds"].values())


def test_segments_are_deterministic_and_the_first_turn_is_found():
    audio, turns = sample_speech()
    first = audio[5 * 16000 : 9 * 16000]  # silence, then the first turn (from 6.69 s)
    a, b = speech_segments(first), speech_segments(first.copy())
    assert a == b and len(a) >= 1
    assert abs(5.0 + a[0][0] - min(s for s, _ in turns)) < 0.15


def test_noise_is_at_the_level_asked():
    x = colored_noise("pink", 2.0, -20.0, seed=0).astype(np.float64) / 32767
    assert abs(20 * np.log10(np.sqrt(np.mean(x**2))) + 20.0) < 0.01


def test_bad_tracks_are_refused_and_frames_follow_segments():
    with pytest.raises(InputError, match="mono"):
        speech_segments(np.zeros((100, 2), np.int16))
    with pytest.raises(InputError, match="16 kHz"):
        speech_segments(np.zeros(100, np.int16), 44100)
    assert speech_frames([(0.04, 0.12)], 5, 25.0).tolist() == [False, True, True, False, False]


def test_loading_the_vad_leaves_torch_threads_as_they_were():
    """Importing silero_vad sets torch to one thread; the loader must keep the caller's count (a fresh process,
    since the model is loaded once per process)."""
    import subprocess
    import sys

    code = (
        "import torch; torch.set_num_threads(2); from eatbench.judges.silero import vad_model; vad_model(); "
        "print(torch.get_num_threads())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "2"
