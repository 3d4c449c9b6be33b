"""Speech for the demo corpus: espeak-ng through its C library, with per-phoneme timings.

espeak-ng comes from the ``espeakng-loader`` wheel (``libespeak-ng.so`` and ``espeak-ng-data``), so no
system package is needed. We drive the library through ctypes in synchronous mode with phoneme events
enabled (shared/reference/cpu-feasibility.md §6): the synth callback receives the 22050 Hz samples and
``espeakEVENT_PHONEME`` events whose ``audio_position`` (ms) marks where each phoneme starts in the
waveform. Durations follow from the next event's start.

Emotion is carried by prosody (rate, pitch, pitch range, volume), the classic parameters of
emotional speech synthesis; identity by an espeak voice variant and a pitch offset.

Example:
    >>> u = synthesize("The cat sat on the mat.", voice="en-us+m3", prosody=PROSODY["happy"])
    >>> u.audio.sample_rate, len(u.phonemes) > 5
    (16000, True)
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import numpy as np

from eatbench.io import SAMPLE_RATE, Audio

# espeak-ng API constants (speak_lib.h).
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_EVENT_LIST_TERMINATED = 0
_EVENT_PHONEME = 7
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_ESPEAK_RATE = 22050


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class Prosody:
    """espeak-ng prosody: words per minute, base pitch and pitch range (0-100), volume (0-200)."""

    rate: int = 165
    pitch: int = 50
    range: int = 50
    volume: int = 100


# Emotion -> prosody. Directions follow the emotional-speech literature (Murray & Arnott 1993):
# anger and fear fast, sadness slow, low and flat, joy and surprise high with a wide range.
PROSODY: dict[str, Prosody] = {
    "angry": Prosody(rate=185, pitch=42, range=75, volume=150),
    "contempt": Prosody(rate=150, pitch=40, range=35, volume=95),
    "disgusted": Prosody(rate=140, pitch=38, range=45, volume=100),
    "fear": Prosody(rate=195, pitch=68, range=60, volume=90),
    "happy": Prosody(rate=180, pitch=62, range=85, volume=115),
    "neutral": Prosody(rate=165, pitch=50, range=50, volume=100),
    "sad": Prosody(rate=135, pitch=34, range=18, volume=75),
    "surprised": Prosody(rate=170, pitch=72, range=95, volume=120),
}


@dataclass(frozen=True)
class Phoneme:
    """One phoneme as espeak-ng placed it in the 16 kHz waveform."""

    name: str  # espeak ASCII phoneme mnemonic, e.g. "aI", "p", "_:"
    start: float  # seconds
    end: float  # seconds


@dataclass(frozen=True)
class Utterance:
    audio: Audio  # 16 kHz mono
    phonemes: tuple[Phoneme, ...]


_LOCK = threading.Lock()


def _espeak(text: str, voice: str, prosody: Prosody, seed: int) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """One utterance from a freshly loaded libespeak-ng: 22050 Hz int16 samples and (phoneme, sample) events.

    The library keeps static state between utterances that espeak_Terminate does not reset
    (measured: the same call gave different samples on its first, second and third run), so the same text would come out differently depending on what
    was spoken before. Loading the library afresh for every utterance (and unloading it after) makes
    each utterance a pure function of its arguments; it costs about 5 ms.
    """
    import _ctypes

    import espeakng_loader

    chunks: list[np.ndarray] = []
    phonemes: list[tuple[str, int]] = []

    def collect(wav, n, events) -> int:
        if n > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        i = 0
        while events[i].type != _EVENT_LIST_TERMINATED:
            if events[i].type == _EVENT_PHONEME:
                phonemes.append((events[i].id.string.split(b"\0", 1)[0].decode("ascii", "replace"), events[i].sample))
            i += 1
        return 0

    with _LOCK:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        try:
            lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
            lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
            lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
            lib.espeak_ng_SetRandSeed.argtypes = (ctypes.c_long,)
            lib.espeak_Synth.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int)
            lib.espeak_Synth.argtypes += (ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p)
            data = espeakng_loader.get_data_path().encode()
            rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, _INITIALIZE_PHONEME_EVENTS)
            if rate != _ESPEAK_RATE:
                raise RuntimeError(f"espeak-ng initialisation failed (returned {rate}, expected {_ESPEAK_RATE} Hz)")
            callback = _CALLBACK(collect)
            lib.espeak_SetSynthCallback(callback)
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise ValueError(f"voice {voice!r}: espeak-ng has no such voice (try 'en-us', 'en-us+m3', 'en-us+f2')")
            for param, value in ((_RATE, prosody.rate), (_PITCH, prosody.pitch), (_RANGE, prosody.range)):
                lib.espeak_SetParameter(param, int(value), 0)
            lib.espeak_SetParameter(_VOLUME, int(prosody.volume), 0)
            lib.espeak_ng_SetRandSeed(seed)  # the noise sources (fricatives, breath) are pseudo-random
            buf = ctypes.create_string_buffer(text.encode("utf-8"))
            err = lib.espeak_Synth(buf, len(buf), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            lib.espeak_Synchronize()
            if err != 0:
                raise RuntimeError(f"espeak_Synth failed with code {err} for {text!r}")
        finally:
            lib.espeak_Terminate()
            _ctypes.dlclose(lib._handle)  # POSIX; the last handle, so the next load starts clean
    wav = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
    return wav, phonemes


def synthesize(
    text: str, voice: str = "en-us", prosody: Prosody = Prosody(), pad: float = 0.12, seed: int = 0
) -> Utterance:
    """Speak ``text`` and return 16 kHz audio with the phoneme timeline.

    1. Synthesise at 22050 Hz with phoneme events (sample offsets at 22050 Hz).
    2. Trim leading/trailing silence to ``pad`` seconds, shifting the phoneme times with it.
    3. Resample 22050 -> 16000 Hz with a polyphase filter (exact ratio 320/441).

    Raises:
        ValueError: ``voice`` is unknown to espeak-ng, or the text produced no audio.
    """
    from scipy.signal import resample_poly

    # 1. Synthesise.
    wav, events = _espeak(text, voice, prosody, seed)
    if len(wav) == 0 or not events:
        raise ValueError(f"text {text!r}: espeak-ng produced no speech")
    x = wav.astype(np.float64) / 32768.0

    # 2. Trim silence (the first and last samples above -40 dBFS of the peak), keep `pad` around it.
    loud = np.flatnonzero(np.abs(x) > 0.01 * np.abs(x).max())
    p = int(pad * _ESPEAK_RATE)
    lo, hi = max(0, loud[0] - p), min(len(x), loud[-1] + p)
    x = x[lo:hi]
    if lo > loud[0] - p:  # too little lead-in silence: prepend zeros so the pad is always there
        x = np.concatenate([np.zeros(p - loud[0]), x])
        lo = loud[0] - p
    if loud[-1] + p > hi:
        x = np.concatenate([x, np.zeros(loud[-1] + p - hi)])

    # 3. Resample to 16 kHz.
    y = resample_poly(x, SAMPLE_RATE // 50, _ESPEAK_RATE // 50)  # 320 / 441
    y = np.clip(y, -1.0, 32767 / 32768).astype(np.float32)
    duration = len(y) / SAMPLE_RATE
    starts = [((sample - lo) / _ESPEAK_RATE, name) for name, sample in events]
    phonemes = []
    for k, (t, name) in enumerate(starts):
        t_end = starts[k + 1][0] if k + 1 < len(starts) else duration
        t0, t1 = min(max(t, 0.0), duration), min(max(t_end, 0.0), duration)
        if t1 > t0:
            phonemes.append(Phoneme(name, t0, t1))
    return Utterance(Audio.from_int16(np.round(y * 32768).astype(np.int16)), tuple(phonemes))
