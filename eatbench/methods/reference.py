"""Reference methods that run anywhere and need no weights: sanity bounds for every metric.

- ``ground-truth``: the clip's own benchmark crop and audio. The upper bound of every metric
  (PSNR is infinite, SSIM 1, LPIPS 0 against itself); if it does not win, the metric pipeline is wrong.
- ``static-frame``: the identity reference frame (``ResolvedInput.reference``: the actor's
  neutral clip under the runner's protocol) repeated for the length of the audio. No motion and no
  emotion: lip sync (LSE-C) must be poor, identity (CSIM) high, Emo-Acc near neutral-only.
- ``shifted-audio``: the ground-truth video with its audio delayed by :data:`SHIFT_FRAMES` frames
  (silence padded in front, the end cut so the length is unchanged). Lip sync must find the delay.

Why 8 frames (320 ms): the benchmark's lip-sync check is that the judge *finds* the delay. SyncNet's
offset search covers ±15 frames (``vshift=15``, metrics-protocols.md §1), so a delay inside it is
reported as AV offset −8 (syncnet_python's sign: the audio lags), and Table I's notes count the clips
found there. 320 ms is far outside the tolerance of audio-visual sync perception (tens of ms) and 7
frames inside the edge of the search. Because LSE-D is the *minimum* over that search, an in-window
delay leaves LSE-D and LSE-C almost unchanged: only the offset moves. A delay beyond the window
(``ShiftedAudio(shift_frames=20)``) is the other kind of control: no aligned pair is left, LSE-D
rises and LSE-C falls. The delay is a constructor argument.

For free image + audio input, ``static-frame`` repeats the benchmark crop of the image
(:func:`eatbench.methods.inputs.resolve_input`); the other two need a clip.

Example:
    >>> ShiftedAudio().shift_samples
    5120
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.errors import EatbenchError, InputError
from eatbench.io import SAMPLE_RATE, Audio, write_video
from eatbench.methods.base import FPS, Method
from eatbench.methods.inputs import ResolvedInput

SHIFT_FRAMES = 8  # 320 ms at 25 fps, inside SyncNet's ±15-frame offset search (see above)


def _need_clip(method: Method, inp: ResolvedInput) -> np.ndarray:
    """The clip's benchmark crop (the ground truth); refused for a free image."""
    if inp.frames is None:
        raise InputError(
            f"method {method.name!r} needs a dataset clip (it replays the real video); "
            "with --image/--audio only 'static-frame' and generators work"
        )
    return inp.frames


class GroundTruth(Method):
    """The real clip: the benchmark crop of its video with its own audio."""

    name = "ground-truth"
    version = "1"
    listing_order = 10
    kind = "reference"

    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        write_video(out_path, _need_clip(self, inp), FPS, inp.audio)
        return Path(out_path)


class StaticFrame(Method):
    """The identity reference frame (the actor's neutral face under the runner's protocol) repeated for
    as many frames as the audio implies, with that audio: no motion and no emotion."""

    name = "static-frame"
    version = "1"
    listing_order = 11
    kind = "reference"

    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        # The reference face x_r (the identity protocol's, or the image's crop), one frame per 40 ms of audio.
        frames = np.broadcast_to(inp.reference, (inp.n_frames, *inp.reference.shape))
        write_video(out_path, np.ascontiguousarray(frames), FPS, inp.audio)
        return Path(out_path)


class ShiftedAudio(Method):
    """The ground-truth video with its audio delayed by ``shift_frames`` video frames."""

    name = "shifted-audio"
    version = "1"
    listing_order = 12
    kind = "reference"

    def __init__(self, shift_frames: int = SHIFT_FRAMES) -> None:
        if shift_frames <= 0:
            raise EatbenchError(f"shift_frames: must be a positive number of frames, got {shift_frames}")
        self.shift_frames = shift_frames

    @property
    def shift_samples(self) -> int:
        return round(self.shift_frames * SAMPLE_RATE / FPS)

    def run_details(self) -> dict[str, Any]:
        return {"audio_delay_frames": self.shift_frames, "audio_delay_ms": 1000 * self.shift_frames / FPS}

    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        write_video(out_path, _need_clip(self, inp), FPS, delay_audio(inp.audio, self.shift_samples))
        return Path(out_path)


def delay_audio(audio: Audio, samples: int) -> Audio:
    """Delay ``audio`` by ``samples``: silence in front, the tail cut, the length unchanged."""
    x = audio.int16
    shifted = np.concatenate([np.zeros(min(samples, len(x)), np.int16), x[: max(len(x) - samples, 0)]])
    return Audio.from_int16(shifted, audio.sample_rate)
