"""The portable speech judge: Silero VAD (``silero-vad==6.2.3``) finds where the audio holds speech.

The wheel ships the network in several forms under ``silero_vad/data/``. This judge loads
``silero_vad.onnx`` (opset 16, 8 and 16 kHz) with onnxruntime through the package's own ``OnnxWrapper``,
and segments with the package's ``get_speech_timestamps`` at its defaults (threshold 0.5, speech at least
250 ms, silences at least 100 ms, 30 ms padding, 512-sample windows at 16 kHz). Nothing is downloaded.
Why ONNX and not the TorchScript file (``silero_vad.jit``, the package's default): under torch 2.14
``torch.jit.load`` is deprecated and the scripted LSTM ran 50× slower here (243 s vs 4.3 s for 30 s of
audio on a loaded 2-core machine), with the same segments to the millisecond.

Importing ``silero_vad`` calls ``torch.set_num_threads(1)`` for the whole process (its ``model`` module
does); :func:`_silero` restores the caller's thread count.

Frames: a video frame ``t`` at ``fps`` is *speech* when its centre ``(t + 0.5) / fps`` lies inside a speech
segment (:func:`speech_frames`).

Example:
    >>> speech_frames([(0.0, 0.1)], n_frames=4, fps=25.0).tolist()
    [True, True, False, False]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eatbench.errors import InputError

SAMPLE_RATE = 16000
PROTOCOL = "silero-vad@6.2.3-onnx/defaults"

_MODELS: dict[str, Any] = {}


def _silero() -> Any:
    """The ``silero_vad`` module, imported without leaving torch at one thread."""
    import torch

    threads = torch.get_num_threads()
    import silero_vad

    torch.set_num_threads(threads)
    return silero_vad


def vad_model() -> Any:
    """Silero VAD's ONNX session wrapper on the weights registry's ``silero-vad`` file (loaded once).

    Raises:
        MissingWeightsError: ``silero_vad.onnx`` is not installed (``pip install silero-vad==6.2.3``).
    """
    from eatbench.judges.weights import resolve_weights

    path = str(resolve_weights("silero-vad", "portable"))
    if path not in _MODELS:
        _silero()  # first: it keeps the caller's torch thread count, which importing silero_vad sets to 1
        from silero_vad.utils_vad import OnnxWrapper

        _MODELS[path] = OnnxWrapper(path, force_onnx_cpu=True)
    return _MODELS[path]


def speech_segments(audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[tuple[float, float]]:
    """Speech segments ``[(start_s, end_s), ...]`` of a mono track.

    Args:
        audio: ``(N,)`` int16 (or float in [-1, 1]) samples.
        sample_rate: 16000 (the benchmark's rate) or 8000.

    Raises:
        InputError: not a mono track, or an unsupported sample rate.
    """
    import torch

    audio = np.asarray(audio)
    if audio.ndim != 1:
        raise InputError(f"speech detection needs a mono track, got shape {audio.shape}")
    if sample_rate not in (8000, 16000):
        raise InputError(f"speech detection needs 8 or 16 kHz audio, got {sample_rate} Hz")
    wav = audio.astype(np.float32) / 32768.0 if audio.dtype == np.int16 else audio.astype(np.float32)
    model = vad_model()
    model.reset_states()
    stamps = _silero().get_speech_timestamps(torch.from_numpy(wav), model, sampling_rate=sample_rate)
    return [(s["start"] / sample_rate, s["end"] / sample_rate) for s in stamps]


def speech_frames(segments: list[tuple[float, float]], n_frames: int, fps: float) -> np.ndarray:
    """``(n_frames,)`` bool: frame ``t`` is speech when ``(t + 0.5) / fps`` lies in a segment ``[start, end)``."""
    centres = (np.arange(n_frames) + 0.5) / fps
    mask = np.zeros(n_frames, bool)
    for start, end in segments:
        mask |= (centres >= start) & (centres < end)
    return mask
