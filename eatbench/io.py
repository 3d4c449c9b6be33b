"""Video and audio I/O through PyAV: the one place that touches containers and codecs.

Conventions used by every stage:

- frames are ``uint8`` RGB arrays of shape ``(T, H, W, 3)``;
- audio is mono at 16 kHz, held as float32 in [-1, 1] with an exact int16 view (SyncNet's MFCC
  must see int16 samples, see shared/reference/metrics-protocols.md §1.2);
- generated videos are written losslessly (FFV1, RGB, in Matroska, with FLAC audio) so metrics see
  exactly the frames a method produced; previews are H.264 (yuv420p) MP4 with AAC audio.

Example:
    >>> import numpy as np, tempfile, os
    >>> frames = np.zeros((5, 32, 32, 3), np.uint8)
    >>> p = os.path.join(tempfile.mkdtemp(), "x.mkv")
    >>> write_video(p, frames, fps=25)
    >>> read_video(p).frames.shape
    (5, 32, 32, 3)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from eatbench.errors import InputError
from eatbench.paths import atomic_path

SAMPLE_RATE = 16000
FPS = 25.0
MIN_SPEECH_SECONDS = 0.2
# Peak amplitude (of a float signal in [-1, 1]) below which audio counts as silent: -60 dBFS.
SILENCE_PEAK = 1e-3


@dataclass(frozen=True)
class Video:
    """Decoded frames and their frame rate."""

    frames: np.ndarray  # (T, H, W, 3) uint8 RGB
    fps: float

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps


@dataclass(frozen=True)
class Audio:
    """Mono audio. ``samples`` is float32 in [-1, 1]; :attr:`int16` is the exact integer view."""

    samples: np.ndarray  # (N,) float32
    sample_rate: int = SAMPLE_RATE

    @property
    def int16(self) -> np.ndarray:
        return np.clip(np.round(self.samples * 32768.0), -32768, 32767).astype(np.int16)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @classmethod
    def from_int16(cls, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Audio:
        return cls(np.asarray(samples, np.int16).astype(np.float32) / 32768.0, sample_rate)


def _open(path: str | os.PathLike):
    import av

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (0 bytes)")
    try:
        return av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as err:
        raise InputError(f"{path}: not a readable media file ({err.__class__.__name__}: {err})") from None


def read_video(path: str | os.PathLike) -> Video:
    """Read every frame of the first video stream as uint8 RGB.

    Raises:
        InputError: the file is missing, empty, corrupt, or holds no video frames.
    """
    import av

    with _open(path) as container:
        if not container.streams.video:
            raise InputError(f"{path}: no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        frames = []
        try:
            for frame in container.decode(stream):
                frames.append(frame.to_ndarray(format="rgb24"))
        except av.error.FFmpegError as err:
            if not frames:
                raise InputError(f"{path}: the video stream cannot be decoded ({err})") from None
    if not frames:
        raise InputError(f"{path}: the video has no frames")
    fps = float(rate) if rate else FPS
    return Video(np.stack(frames), fps)


def read_audio(path: str | os.PathLike, sample_rate: int = SAMPLE_RATE) -> Audio:
    """Read the first audio stream of any container as mono float32 at ``sample_rate``.

    Resampling and down-mixing go through libswresample, producing int16 samples first (as
    ``ffmpeg -ac 1 -ar 16000 -acodec pcm_s16le`` does in syncnet_python) so the int16 view is exact.

    Raises:
        InputError: the file is missing, corrupt, or has no audio stream.
    """
    import av

    with _open(path) as container:
        if not container.streams.audio:
            raise InputError(f"{path}: no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=sample_rate)
        chunks = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
        except av.error.FFmpegError as err:
            raise InputError(f"{path}: the audio stream cannot be decoded ({err})") from None
    if not chunks:
        raise InputError(f"{path}: the audio stream is empty")
    return Audio.from_int16(np.concatenate(chunks), sample_rate)


def check_speech(audio: Audio, source: str | os.PathLike = "audio", min_seconds: float = MIN_SPEECH_SECONDS) -> None:
    """Refuse audio that cannot drive a talking face: too short, silent, or at the wrong rate.

    Raises:
        InputError: with one line saying which rule failed.
    """
    if audio.sample_rate != SAMPLE_RATE:
        raise InputError(
            f"{source}: sample rate {audio.sample_rate} Hz, expected {SAMPLE_RATE} Hz (read it with read_audio)"
        )
    if audio.duration < min_seconds:
        raise InputError(f"{source}: {audio.duration:.3f} s of audio, at least {min_seconds} s is needed")
    peak = float(np.max(np.abs(audio.samples))) if len(audio.samples) else 0.0
    if peak < SILENCE_PEAK:
        raise InputError(f"{source}: the audio is silent (peak {peak:.2e}, below -60 dBFS)")


def write_audio(path: str | os.PathLike, audio: Audio) -> None:
    """Write 16-bit PCM mono WAV atomically.

    The standard library's ``wave`` writes the same bytes as libsndfile's PCM_16 WAV, and reports a
    full disk as the ``OSError`` it is (libsndfile says only "System error").
    """
    import wave

    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(audio.int16.astype("<i2").tobytes())


def write_video(
    path: str | os.PathLike,
    frames: np.ndarray,
    fps: float = FPS,
    audio: Audio | None = None,
    lossless: bool = True,
    codec_options: dict[str, str] | None = None,
) -> None:
    """Write frames (and optional audio) atomically.

    Args:
        path: output file; ``.mkv`` for lossless (FFV1 RGB + FLAC), ``.mp4`` for a preview.
        frames: ``(T, H, W, 3)`` uint8 RGB.
        fps: frame rate (25 for every benchmark artefact).
        audio: muxed when given.
        lossless: FFV1/FLAC when True (bit-exact frames); H.264 yuv420p/AAC when False.
        codec_options: extra video encoder options, e.g. ``{"threads": "1"}``: libx264's output
            depends on its thread count, so a fixed count makes H.264 files reproducible across machines.
    """
    import av

    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError(f"frames must be (T, H, W, 3) uint8, got {frames.shape} {frames.dtype}")
    if len(frames) == 0:
        raise ValueError("no frames to write")
    h, w = frames.shape[1:3]
    rate = Fraction(fps).limit_denominator(1001)
    suffix = Path(path).suffix or (".mkv" if lossless else ".mp4")
    with atomic_path(path, suffix=suffix) as tmp:
        with av.open(str(tmp), mode="w") as out:
            if lossless:
                vs = out.add_stream("ffv1", rate=rate)
                vs.pix_fmt = "bgr0"
                vs.options = {"level": "3", "g": "1"}
            else:
                if h % 2 or w % 2:
                    raise ValueError(f"H.264 previews need even sizes, got {w}x{h}")
                vs = out.add_stream("libx264", rate=rate)
                vs.pix_fmt = "yuv420p"
                vs.options = {"crf": "18", "preset": "medium"}
            if codec_options:
                vs.options = {**vs.options, **codec_options}
            vs.width, vs.height = w, h
            vs.codec_context.time_base = Fraction(1, 1) / rate
            as_ = None
            if audio is not None:
                as_ = out.add_stream("flac" if lossless else "aac", rate=audio.sample_rate)
                as_.layout = "mono"
            for i, arr in enumerate(frames):
                vf = av.VideoFrame.from_ndarray(np.ascontiguousarray(arr), format="rgb24")
                vf.pts = i
                for packet in vs.encode(vf):
                    out.mux(packet)
            for packet in vs.encode():
                out.mux(packet)
            if as_ is not None:
                _encode_audio(out, as_, audio)


def _encode_audio(out, stream, audio: Audio) -> None:
    import av

    samples = audio.int16
    fmt = "s16" if stream.codec_context.name == "flac" else "fltp"
    resampler = av.AudioResampler(format=fmt, layout="mono", rate=audio.sample_rate)
    hop = stream.codec_context.frame_size or 1024
    pts = 0
    for start in range(0, len(samples), hop):
        chunk = samples[start : start + hop]
        af = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
        af.sample_rate = audio.sample_rate
        af.pts = pts
        pts += len(chunk)
        for rf in resampler.resample(af):
            for packet in stream.encode(rf):
                out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)


def resample_fps(frames: np.ndarray, src_fps: float, dst_fps: float = FPS) -> np.ndarray:
    """Change the frame rate by dropping or repeating frames (no blending), as ``ffmpeg -vf fps=25`` does.

    The rule is libavfilter's ``fps`` filter with its default ``round=near``: source frame j lands on
    output slot round(j · dst / src) (halves away from zero), and each slot shows the last frame that
    landed at or before it, i.e. j = ceil(src · (2n + 1) / (2 · dst)) − 1 for slot n: the frame nearest
    in time. ``tests/io/test_io.py`` checks it against the filter itself (PyAV's bundled libavfilter) for
    several rate pairs; 25 → 30 → 25 with it gives the frames back. (``ffmpeg -r 25`` as an *output*
    option goes through ffmpeg's frame-rate sync instead, whose choice depends on the container's
    timestamps, so it is not a function of the frames alone.) Rates are read as fractions with a
    denominator up to 1001 (29.97 is 30000/1001). The output has ``round(T * dst_fps / src_fps)`` frames.
    """
    if abs(src_fps - dst_fps) < 1e-6:
        return frames
    src = Fraction(src_fps).limit_denominator(1001)
    dst = Fraction(dst_fps).limit_denominator(1001)
    n_out = max(1, round(len(frames) * dst_fps / src_fps))
    slots = np.arange(n_out, dtype=np.int64)
    num = src.numerator * dst.denominator * (2 * slots + 1)  # src (2n + 1) / (2 dst) = num / den
    den = 2 * src.denominator * dst.numerator
    idx = -((-num) // den) - 1  # ceil(num / den) - 1
    return frames[np.clip(idx, 0, len(frames) - 1)]


def frames_for_audio(audio: Audio, fps: float = FPS) -> int:
    """The number of video frames an audio track implies: ``round(duration * fps)``."""
    return max(1, round(audio.duration * fps))
