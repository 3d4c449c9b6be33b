"""eatbench.io against hand-made signals: lossless round trips, resampling, bad input."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from eatbench.errors import InputError
from eatbench.io import (
    Audio,
    check_speech,
    frames_for_audio,
    read_audio,
    read_video,
    resample_fps,
    write_audio,
    write_video,
)


@pytest.fixture
def frames() -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (12, 32, 48, 3), dtype=np.uint8)


@pytest.fixture
def tone() -> Audio:
    t = np.arange(int(16000 * 0.6)) / 16000
    return Audio((0.4 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))


def test_lossless_roundtrip_is_bit_exact(tmp_path, frames, tone):
    path = tmp_path / "v.mkv"
    write_video(path, frames, fps=25, audio=tone)
    video = read_video(path)
    assert video.fps == 25.0
    np.testing.assert_array_equal(video.frames, frames)
    audio = read_audio(path)
    np.testing.assert_array_equal(audio.int16, tone.int16)


def test_preview_is_h264_with_audio(tmp_path, frames, tone):
    import av

    path = tmp_path / "v.mp4"
    write_video(path, frames, fps=25, audio=tone, lossless=False)
    with av.open(str(path)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert c.streams.audio[0].codec_context.name == "aac"
    assert read_video(path).num_frames == len(frames)
    assert abs(read_audio(path).duration - tone.duration) < 0.1


def test_read_audio_resamples_to_16k_mono(tmp_path):
    import soundfile as sf

    sr = 44100
    t = np.arange(sr) / sr
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], 1) * 0.5
    sf.write(tmp_path / "s.wav", stereo, sr, subtype="PCM_16")
    audio = read_audio(tmp_path / "s.wav")
    assert audio.sample_rate == 16000
    assert abs(len(audio.samples) - 16000) <= 32
    # A 440 Hz tone keeps its frequency: the spectrum peaks at 440 Hz.
    spec = np.abs(np.fft.rfft(audio.samples[:16000]))
    assert abs(np.argmax(spec) * 16000 / 16000 - 440) <= 2


def test_int16_view_is_exact():
    ints = np.array([-32768, -1, 0, 1, 32767], np.int16)
    np.testing.assert_array_equal(Audio.from_int16(ints).int16, ints)


def test_write_audio_roundtrip(tmp_path, tone):
    write_audio(tmp_path / "a.wav", tone)
    np.testing.assert_array_equal(read_audio(tmp_path / "a.wav").int16, tone.int16)


def libavfilter_fps(n_in: int, src: Fraction, dst: Fraction) -> list[int]:
    """Which input frame each output frame of libavfilter's ``fps`` filter (PyAV's bundled FFmpeg) shows."""
    from av.filter import Graph

    graph = Graph()
    buffer = graph.add_buffer(width=16, height=16, format="gray", time_base=1 / src)
    fps = graph.add("fps", f"{dst.numerator}/{dst.denominator}")
    sink = graph.add("buffersink")
    buffer.link_to(fps)
    fps.link_to(sink)
    graph.configure()
    shown: list[int] = []

    def drain() -> None:
        while True:
            try:
                shown.append(int(graph.pull().to_ndarray()[0, 0]))
            except (av.error.BlockingIOError, av.error.EOFError):
                return

    for j in range(n_in):
        frame = av.VideoFrame.from_ndarray(np.full((16, 16), j, np.uint8), format="gray")
        frame.pts, frame.time_base = j, 1 / src
        graph.push(frame)
        drain()
    return shown


@pytest.mark.parametrize(
    ("src", "dst"),
    [(30, 25), (25, 30), (Fraction(30000, 1001), 25), (50, 25), (24, 25), (Fraction(25, 2), 25), (60, 25)],
)
def test_resample_fps_is_libavfilters_fps_filter(src, dst):
    src, dst = Fraction(src), Fraction(dst)
    n_in = 200
    reference = libavfilter_fps(n_in, src, dst)  # every slot the filter has emitted before the end
    ours = resample_fps(np.arange(n_in), float(src), float(dst))
    assert len(ours) == round(n_in * dst / src) and len(reference) >= len(ours) - 2
    assert list(ours[: len(reference)]) == reference[: len(ours)]


def test_resample_30_to_25_drops_every_sixth_frame_and_25_30_25_gives_the_frames_back():
    assert list(resample_fps(np.arange(30), 30, 25)[:7]) == [0, 1, 2, 4, 5, 6, 7]  # the frame nearest in time
    assert len(resample_fps(np.arange(30), 30, 25)) == 25
    assert len(resample_fps(np.arange(10), 25, 25)) == 10
    assert list(resample_fps(np.arange(4), 12.5, 25)) == [0, 0, 1, 1, 2, 2, 3, 3]
    frames = np.arange(100)
    np.testing.assert_array_equal(resample_fps(resample_fps(frames, 25, 30), 30, 25), frames)


def test_frames_for_audio():
    assert frames_for_audio(Audio(np.zeros(16000 * 3, np.float32))) == 75


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "empty"), (b"not a video at all" * 10, "not a readable media file")],
)
def test_bad_video_files(tmp_path, content, message):
    path = tmp_path / "bad.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_video(path)


def test_video_without_audio_stream(tmp_path, frames):
    write_video(tmp_path / "silent.mkv", frames)
    with pytest.raises(InputError, match="no audio stream"):
        read_audio(tmp_path / "silent.mkv")


def test_check_speech_rejects_short_silent_and_wrong_rate(tone):
    check_speech(tone)
    with pytest.raises(InputError, match=r"at least 0\.2 s"):
        check_speech(Audio(tone.samples[:1000]))
    with pytest.raises(InputError, match="silent"):
        check_speech(Audio(np.zeros(16000, np.float32)))
    with pytest.raises(InputError, match="sample rate 8000"):
        check_speech(Audio(tone.samples, 8000))


def test_interrupted_write_leaves_nothing(tmp_path, frames):
    path = tmp_path / "v.mkv"
    bad = frames.astype(np.float32)  # wrong dtype: refused before anything is written
    with pytest.raises(ValueError):
        write_video(path, bad)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
