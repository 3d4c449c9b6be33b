"""The clips ``eatbench metrics compute`` scores: video files paired, decoded once, refused when incomplete.

A clip is a generated video, optionally its ground-truth video (``ref``), a source identity image and a
target emotion. ``--gen`` names one video or a folder of videos; a folder's videos are paired with the
``--ref`` folder's and the ``--source`` folder's files of the same stem.

Each clip is decoded once into one :class:`~eatbench.metrics.base.Sample` (frames resampled to 25 fps,
the generated file's own audio track as int16 at 16 kHz), after three checks that keep a partial file
from being scored:

1. the generated file is a video, not a still image under another name (``x.png`` renamed ``x.wav``);
2. it is not cut short: its video stream declares no more frames or time than it decodes to, and its
   audio track is not longer than its frames;
3. it has at least as many frames as its ground truth.

A mismatch of lengths (2 and 3) is refused with the frame counts unless ``allow_length_mismatch`` is
set; the metrics then pair frames as the EAT evaluation does (``np.linspace``).

Example:
    >>> length_tolerance(25.0)
    0.12
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eatbench.errors import InputError
from eatbench.metrics.base import Sample

VIDEO_SUFFIXES = (".mp4", ".mkv", ".avi", ".mov", ".webm", ".flv")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp")
LENGTH_FLAG = "--allow-length-mismatch"


@dataclass(frozen=True)
class ClipFiles:
    """The files of one clip to score."""

    gen: Path
    ref: Path | None = None
    source: Path | None = None
    emotion: str | None = None

    @property
    def clip_id(self) -> str:
        return self.gen.stem


def _videos_in(folder: Path, what: str) -> list[Path]:
    videos = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    if not videos:
        raise InputError(f"{what} {folder}: no videos in the folder (looked for *{', *'.join(VIDEO_SUFFIXES)})")
    return videos


def _partner(folder: Path, stem: str, suffixes: tuple[str, ...], what: str) -> Path:
    for suffix in suffixes:
        for name in (stem + suffix, stem + suffix.upper()):
            if (folder / name).is_file():
                return folder / name
    raise InputError(f"{what} {folder}: no file named {stem}.* ({', '.join(suffixes)}) for the generated {stem}")


def pair_files(
    gen: Path, ref: Path | None = None, source: Path | None = None, emotion: str | None = None
) -> list[ClipFiles]:
    """The clips named by ``--gen``/``--ref``/``--source``: one file each, or folders paired by file stem.

    Raises:
        InputError: a path that does not exist, a folder without videos, a generated video without its
            ground truth or source, or a folder given with a single file.
    """
    for path, what in ((gen, "--gen"), (ref, "--ref"), (source, "--source")):
        if path is not None and not path.exists():
            raise InputError(f"{what} {path}: no such file or folder")
    if not gen.is_dir():
        if ref is not None and ref.is_dir():
            raise InputError(f"--ref {ref}: a folder, but --gen {gen} is one video (give one ground-truth video)")
        if source is not None and source.is_dir():
            raise InputError(f"--source {source}: a folder, but --gen {gen} is one video (give one image)")
        return [ClipFiles(gen, ref, source, emotion)]
    if ref is not None and not ref.is_dir():
        raise InputError(f"--ref {ref}: one file, but --gen {gen} is a folder (give the folder of ground truths)")
    clips = []
    for video in _videos_in(gen, "--gen"):
        clips.append(
            ClipFiles(
                video,
                _partner(ref, video.stem, VIDEO_SUFFIXES, "--ref") if ref is not None else None,
                _partner(source, video.stem, IMAGE_SUFFIXES, "--source")
                if source is not None and source.is_dir()
                else source,
                emotion,
            )
        )
    return clips


def length_tolerance(fps: float) -> float:
    """Seconds a stream may run past the decoded frames: two frames plus 40 ms of audio codec padding."""
    return round(2.0 / fps + 0.04, 6)


def check_media(
    path: Path,
    what: str,
    n_frames: int,
    fps: float,
    audio_seconds: float | None = None,
    allow_length_mismatch: bool = False,
) -> None:
    """Refuse a still image posing as a video (any name) and a video cut short (steps 1 and 2 above).

    Args:
        path: the file.
        what: the option that named it (``--gen``), for the message.
        n_frames: the frames it decoded to.
        fps: its frame rate.
        audio_seconds: the length of its decoded audio track (None: no audio).
        allow_length_mismatch: accept a declared length or an audio track longer than the frames.

    Raises:
        InputError: one line with what was found and the frame counts.
    """
    import av

    with av.open(str(path)) as container:
        fmt = container.format.name
        stream = container.streams.video[0]
        still_codec = stream.codec_context.name in ("png", "mjpeg", "bmp", "webp", "tiff", "gif")
        if fmt == "image2" or fmt.endswith("_pipe") or (n_frames == 1 and still_codec):
            raise InputError(f"{what} {path}: a still image ({fmt}), not a video")
        declared_s = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
        declared_frames = int(stream.frames or 0)
    if allow_length_mismatch:
        return
    decoded_s = n_frames / fps
    tol = length_tolerance(fps)
    hint = f"the file looks cut short; pass {LENGTH_FLAG} to score it anyway"
    if declared_frames > n_frames + 1:
        raise InputError(f"{what} {path}: decodes to {n_frames} frames but declares {declared_frames}; {hint}")
    if declared_s is not None and declared_s > decoded_s + tol:
        raise InputError(
            f"{what} {path}: decodes to {n_frames} frames ({decoded_s:.2f} s at {fps:g} fps) but its video stream "
            f"declares {declared_s:.2f} s (~{round(declared_s * fps)} frames); {hint}"
        )
    if audio_seconds is not None and audio_seconds > decoded_s + tol:
        raise InputError(
            f"{what} {path}: {n_frames} frames ({decoded_s:.2f} s at {fps:g} fps) but {audio_seconds:.2f} s of audio "
            f"(~{round(audio_seconds * fps)} frames); {hint}"
        )


def _read_frames(
    path: Path, what: str, allow_length_mismatch: bool, with_audio: bool = False
) -> tuple[np.ndarray, float, np.ndarray | None]:
    """Frames at 25 fps, the file's own frame rate and (if asked) its int16 audio, after :func:`check_media`."""
    from eatbench.io import FPS, SAMPLE_RATE, read_audio, read_video, resample_fps

    if path.suffix.lower() in IMAGE_SUFFIXES:
        raise InputError(f"{what} {path}: an image file, not a video")
    video = read_video(path)
    audio = None
    if with_audio:
        try:
            audio = read_audio(path).int16
        except InputError:
            pass  # no audio stream: the lip-sync metrics say so themselves
    audio_s = len(audio) / SAMPLE_RATE if audio is not None else None
    check_media(path, what, video.num_frames, video.fps, audio_s, allow_length_mismatch)
    frames = video.frames if abs(video.fps - FPS) < 1e-3 else resample_fps(video.frames, video.fps, FPS)
    return frames, video.fps, audio


def read_image(path: Path) -> np.ndarray:
    """An RGB uint8 image (the ``--source`` identity image)."""
    import cv2

    if not path.is_file():
        raise InputError(f"--source {path}: no such file")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f"--source {path}: not a readable image (png, jpg, ...)")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def load_sample(clip: ClipFiles, allow_length_mismatch: bool = False) -> tuple[Sample, float]:
    """Decode one clip once into a :class:`Sample` (and the generated video's own frame rate).

    Raises:
        InputError: an unreadable file, a still image as ``--gen``, a video cut short, or fewer generated
            frames than ground-truth frames (unless ``allow_length_mismatch``).
    """
    gen, gen_fps, audio = _read_frames(clip.gen, "--gen", allow_length_mismatch, with_audio=True)
    gt = _read_frames(clip.ref, "--ref", allow_length_mismatch)[0] if clip.ref is not None else None
    if gt is not None and len(gen) < len(gt) and not allow_length_mismatch:
        raise InputError(
            f"--gen {clip.gen}: {len(gen)} frames but its ground truth {clip.ref.name} has {len(gt)} (at 25 fps); "
            f"the generated video looks cut short; pass {LENGTH_FLAG} to pair frames by np.linspace anyway"
        )
    sample = Sample(
        gen=gen,
        gt=gt,
        source=read_image(clip.source) if clip.source is not None else None,
        audio=audio,
        clip_id=clip.clip_id,
        emotion=clip.emotion,
    )
    return sample, gen_fps
