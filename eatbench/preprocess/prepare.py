"""Prepare a clip for the benchmark: crop, 25 fps, 16 kHz, landmarks, masks, reference frame; cached.

A :class:`PreparedClip` is what methods generate from and metrics compare against. It is built in
numbered steps (:func:`prepare_clip`) and cached under ``$EATBENCH_HOME/prep/<key>/`` where ``key``
is the sha256 of the video file's hash, the audio file's hash and :data:`PREP_VERSION`. An entry
holds:

- ``crop.mkv``: the 256×256, 25 fps crop, lossless (FFV1 RGB), with the trimmed 16 kHz audio (FLAC);
- ``arrays.npz``: ``landmarks`` (T, 478, 2), ``mask_boxes`` (T, 4), ``five`` (T, 5, 2),
  ``detections`` (T, 4, source pixels), ``crop_box`` (4,), ``reference_index`` ();
- ``prep.json``: the sidecar (version, key, source hashes and sizes, lengths before and after
  trimming, how many frames had no face, the rules used).

The entry is written into a temporary folder beside it and renamed into place in one step, so an
interrupted run never leaves a half-written entry; a rerun finds the entry and loads it.

Rules the paper leaves open:

- **Length.** The clip keeps ``T = min(video frames at 25 fps, round(audio seconds × 25))`` frames,
  and the audio exactly ``T × 640`` samples (trimmed, or zero-padded by less than one frame when
  rounding went up). So ``frames_for_audio(audio) == T`` always. A mismatch of more than
  :data:`LENGTH_WARN_SECONDS` is logged and recorded in the sidecar; it is not an error, since
  MEAD's audio and video files differ by a few frames as a rule.
- **Reference frame** (``x_r``, the identity condition): the frame with the most closed mouth
  (inner-lip gap, Face Mesh points 13 and 14, over the iris distance) among the frames whose eyes
  are open (eyelid gap 159-145 and 386-374 at least half the clip's median); the earliest such frame
  on ties. A closed mouth gives the generator no lip shape to copy; open eyes avoid a blink.
- **Mask boxes** for frames where Face Mesh found no face are copied from the nearest frame that
  has one (the mask is a generation condition and must exist for every frame); ``landmarks`` and
  ``five`` keep NaN there.
- **No face**: more than half of the frames without a face, in the source (detection) or in the
  crop (Face Mesh), raises ``InputError("…: no face found in N of M frames")``.

Example:
    >>> from eatbench.preprocess.prepare import prepare_clip  # doctest: +SKIP
    >>> prepared = prepare_clip(clip)  # doctest: +SKIP
    >>> prepared.frames.shape  # doctest: +SKIP
    (87, 256, 256, 3)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eatbench.clip import Clip
from eatbench.errors import InputError
from eatbench.io import FPS, SAMPLE_RATE, Audio, check_speech, frames_for_audio, read_audio, read_video, write_video
from eatbench.paths import atomic_path, eatbench_home, sha256_file
from eatbench.preprocess import crop as crop_rules
from eatbench.preprocess.crop import check_face_found, crop_video
from eatbench.preprocess.mediapipe_face import arcface_five, face_mesh, mask_box

logger = logging.getLogger(__name__)

# Bump when any rule that changes a prepared clip changes (it is part of the cache key, and of every generated
# video's key, since methods read the prepared inputs). 2: the frame-rate rule became libavfilter's fps filter
# (the frame nearest in time; 1 took the frame on screen, one frame earlier on most 30 -> 25 fps slots).
PREP_VERSION = "2"
SAMPLES_PER_FRAME = round(SAMPLE_RATE / FPS)  # 640
LENGTH_WARN_SECONDS = 0.5

VIDEO_FILE = "crop.mkv"
ARRAYS_FILE = "arrays.npz"
SIDECAR_FILE = "prep.json"

# Face Mesh points of the reference-frame rule.
INNER_LIPS = (13, 14)
EYELIDS = ((159, 145), (386, 374))
IRIS_CENTRES = (468, 473)


@dataclass(frozen=True)
class PreparedClip:
    """A clip ready for generation and evaluation (all arrays in the 256×256 crop unless noted)."""

    clip: Clip
    frames: np.ndarray  # (T, 256, 256, 3) uint8 RGB at 25 fps
    audio: Audio  # 16 kHz mono, exactly T * 640 samples
    landmarks: np.ndarray  # (T, 478, 2) float32 pixel (x, y); NaN rows where no face
    mask_boxes: np.ndarray  # (T, 4) float32 (x0, y0, x1, y1), paper Sec. III-C-2 mask region
    five: np.ndarray  # (T, 5, 2) float32 ArcFace points (468, 473, 1, 61, 291)
    reference_index: int
    reference: np.ndarray  # (256, 256, 3) uint8 = frames[reference_index]
    crop_box: np.ndarray  # (4,) float32 (x0, y0, x1, y1) of the square cut from the source frames
    key: str = ""  # the cache key (content hash of the inputs and PREP_VERSION)

    @property
    def num_frames(self) -> int:
        return int(self.frames.shape[0])


# --------------------------------------------------------------------------------------------- keys


def cache_key(clip: Clip) -> tuple[str, dict]:
    """The content key of a clip's prepared entry, and the hashes it was made from.

    Raises:
        InputError: the video or audio file does not exist.
    """
    video = Path(clip.video)
    if not video.is_file():
        raise InputError(f"{video}: no such file")
    hashes = {"video_sha256": sha256_file(video), "audio_sha256": None, "prep_version": PREP_VERSION}
    if clip.audio is not None:
        if not Path(clip.audio).is_file():
            raise InputError(f"{clip.audio}: no such file")
        hashes["audio_sha256"] = sha256_file(clip.audio)
    text = f"{hashes['video_sha256']}\n{hashes['audio_sha256'] or 'video'}\n{PREP_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest(), hashes


def _prep_root(home: str | os.PathLike | None) -> Path:
    return Path(home).expanduser() / "prep" if home is not None else eatbench_home() / "prep"


# ------------------------------------------------------------------------------------ small rules


def trim_to_audio(frames: np.ndarray, audio: Audio) -> tuple[np.ndarray, Audio]:
    """Make video and audio the same length: ``T = min(len(frames), round(seconds × 25))`` (see module doc)."""
    n = min(len(frames), frames_for_audio(audio))
    samples = audio.int16[: n * SAMPLES_PER_FRAME]
    if len(samples) < n * SAMPLES_PER_FRAME:
        samples = np.pad(samples, (0, n * SAMPLES_PER_FRAME - len(samples)))
    return frames[:n], Audio.from_int16(samples, audio.sample_rate)


def choose_reference(landmarks: np.ndarray) -> int:
    """The reference-frame rule: most closed mouth among frames with open eyes, earliest on ties."""
    valid = np.isfinite(landmarks).all(axis=(1, 2))
    if not valid.any():
        return 0
    lm = landmarks.astype(np.float64)
    iris = np.linalg.norm(lm[:, IRIS_CENTRES[0]] - lm[:, IRIS_CENTRES[1]], axis=-1)
    iris = np.where(iris > 1e-6, iris, np.nan)
    mouth = np.linalg.norm(lm[:, INNER_LIPS[0]] - lm[:, INNER_LIPS[1]], axis=-1) / iris
    eyes = sum(np.linalg.norm(lm[:, a] - lm[:, b], axis=-1) for a, b in EYELIDS) / iris
    ok = valid & np.isfinite(mouth) & np.isfinite(eyes)
    if not ok.any():
        return int(np.flatnonzero(valid)[0])
    open_eyes = ok & (eyes >= 0.5 * np.median(eyes[ok]))
    candidates = open_eyes if open_eyes.any() else ok
    return int(np.argmin(np.where(candidates, mouth, np.inf)))


def fill_missing_boxes(boxes: np.ndarray) -> np.ndarray:
    """Copy each NaN box from the nearest frame that has one (the earlier frame on ties)."""
    valid = np.flatnonzero(np.isfinite(boxes).all(axis=1))
    if len(valid) == 0 or len(valid) == len(boxes):
        return boxes
    distance = np.abs(np.arange(len(boxes))[:, None] - valid[None, :])  # (T, V)
    return boxes[valid[np.argmin(distance, axis=1)]]


# ----------------------------------------------------------------------------------------- cache


def _write_entry(entry: Path, prepared: PreparedClip, arrays: dict, sidecar: dict) -> None:
    """Write one cache entry into a temporary folder, then rename it into place (atomic)."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    try:
        write_video(tmp / VIDEO_FILE, prepared.frames, fps=FPS, audio=prepared.audio, lossless=True)
        with atomic_path(tmp / ARRAYS_FILE) as path, open(path, "wb") as f:
            np.savez(f, **arrays)
        with atomic_path(tmp / SIDECAR_FILE) as path:
            path.write_text(json.dumps(sidecar, indent=2, sort_keys=True))
        try:
            os.rename(tmp, entry)
        except OSError:
            if not (entry / SIDECAR_FILE).is_file():  # not a concurrent writer that got there first
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _read_entry(entry: Path, clip: Clip, key: str) -> PreparedClip:
    sidecar = json.loads((entry / SIDECAR_FILE).read_text())
    video = read_video(entry / VIDEO_FILE)
    audio = read_audio(entry / VIDEO_FILE, SAMPLE_RATE)
    with np.load(entry / ARRAYS_FILE) as z:
        arrays = {name: z[name] for name in z.files}
    frames = video.frames
    if len(frames) != sidecar["frames"] or len(audio.samples) != sidecar["audio_samples"]:
        raise ValueError(f"{entry}: lengths differ from the sidecar")
    ref = int(arrays["reference_index"])
    return PreparedClip(
        clip=clip,
        frames=frames,
        audio=audio,
        landmarks=arrays["landmarks"],
        mask_boxes=arrays["mask_boxes"],
        five=arrays["five"],
        reference_index=ref,
        reference=frames[ref],
        crop_box=arrays["crop_box"],
        key=key,
    )


def _load_entry(entry: Path, clip: Clip, key: str) -> PreparedClip | None:
    if not (entry / SIDECAR_FILE).is_file():
        return None
    try:
        return _read_entry(entry, clip, key)
    except (OSError, ValueError, KeyError, InputError) as err:
        logger.warning("ignoring unreadable cache entry %s (%s)", entry, err)
        return None


def load_prepared(clip: Clip, home: str | os.PathLike | None = None) -> PreparedClip | None:
    """The cached prepared clip, or None when there is no (readable) entry. Never computes anything."""
    key, _ = cache_key(clip)
    return _load_entry(_prep_root(home) / key, clip, key)


# --------------------------------------------------------------------------------------- prepare


def prepare_clip(clip: Clip, home: str | os.PathLike | None = None) -> PreparedClip:
    """Crop, resample, find landmarks, masks and the reference frame of one clip; cached.

    Args:
        clip: the clip; ``clip.audio`` None means the video's own audio track.
        home: the eatbench home (default ``$EATBENCH_HOME``); the entry goes to ``<home>/prep/<key>/``.

    Returns:
        The :class:`PreparedClip` (loaded from the cache when an entry exists).

    Raises:
        InputError: unreadable files, silent or too-short audio, or no face in most frames.
    """
    # 1. Cache lookup
    key, hashes = cache_key(clip)
    entry = _prep_root(home) / key
    cached = _load_entry(entry, clip, key)
    if cached is not None:
        return cached
    if entry.exists():  # damaged after it was written (entries only appear complete): rebuild it
        shutil.rmtree(entry, ignore_errors=True)
    t0 = time.perf_counter()

    # 2. Read and check the audio (first: it is cheap, and bad audio makes the clip useless)
    audio_source = clip.audio if clip.audio is not None else clip.video
    audio = read_audio(audio_source, SAMPLE_RATE)
    check_speech(audio, audio_source)

    # 3. Face crop: 25 fps, one smoothed square box, 256×256 (streams the video from disk)
    crop = crop_video(clip.video)
    video_frames = len(crop.frames)  # at 25 fps

    # 4. Same length for video and audio
    frames, audio_out = trim_to_audio(crop.frames, audio)
    if abs(video_frames / FPS - audio.duration) > LENGTH_WARN_SECONDS:
        logger.warning(
            "%s: video %.2f s and audio %.2f s differ; both trimmed to %.2f s",
            clip.clip_id,
            video_frames / FPS,
            audio.duration,
            len(frames) / FPS,
        )
    check_speech(audio_out, f"{audio_source} (trimmed to the video)")

    # 5. Face Mesh on the crop, the ArcFace points and the mask boxes
    landmarks = face_mesh(frames)  # (T, 478, 2)
    found = np.isfinite(landmarks).all(axis=(1, 2))
    check_face_found(found, f"{clip.video} (Face Mesh on the crop)")
    five = arcface_five(landmarks)  # (T, 5, 2)
    mask_boxes = fill_missing_boxes(mask_box(landmarks))  # (T, 4)

    # 6. Reference frame
    ref = choose_reference(landmarks)

    prepared = PreparedClip(
        clip=clip,
        frames=frames,
        audio=audio_out,
        landmarks=landmarks,
        mask_boxes=mask_boxes,
        five=five,
        reference_index=ref,
        reference=frames[ref],
        crop_box=crop.box,
        key=key,
    )

    # 7. Cache entry, written atomically
    arrays = {
        "landmarks": landmarks,
        "mask_boxes": mask_boxes,
        "five": five,
        "detections": crop.detections[: len(frames)],
        "crop_box": crop.box,
        "reference_index": np.int64(ref),
    }
    sidecar = {
        "prep_version": PREP_VERSION,
        "key": key,
        **hashes,
        "clip": clip.to_dict(),
        "source": {
            "width": crop.source_size[1],
            "height": crop.source_size[0],
            "fps": crop.source_fps,
            "frames": crop.source_frames,
            "frames_at_25fps": video_frames,
            "audio_seconds": audio.duration,
        },
        "frames": len(frames),
        "audio_samples": len(audio_out.samples),
        "fps": FPS,
        "sample_rate": SAMPLE_RATE,
        "size": crop_rules.CROP_SIZE,
        "crop_box": [float(v) for v in crop.box],
        "crop_rule": {"head_scale": crop_rules.HEAD_SCALE, "head_rise": crop_rules.HEAD_RISE, "fixed_box": True},
        "frames_without_detection": int((~np.isfinite(crop.detections).all(axis=1)).sum()),
        "frames_without_mesh": int((~found).sum()),
        "reference_index": ref,
        "reference_rule": "closed mouth (13-14 / iris distance) among open-eye frames, earliest on ties",
        "seconds": round(time.perf_counter() - t0, 3),
    }
    _write_entry(entry, prepared, arrays, sidecar)
    return prepared


def iter_prepared(
    clips: Sequence[Clip],
    progress: Callable[[int, int], None] | None = None,
    home: str | os.PathLike | None = None,
) -> Iterator[tuple[Clip, PreparedClip | None, str | None]]:
    """Prepare clips one at a time, yielding ``(clip, prepared, None)`` or ``(clip, None, reason)``.

    A clip that raises :class:`InputError` is yielded with its one-line reason and the rest go on.
    Only one clip's frames are held at a time, so memory stays flat over a whole dataset.

    Args:
        clips: the clips, in the order to process them.
        progress: called as ``progress(done, total)`` before the first clip and after each one.
        home: as in :func:`prepare_clip`.
    """
    total = len(clips)
    if progress is not None:
        progress(0, total)
    for i, clip in enumerate(clips, start=1):
        try:
            yield clip, prepare_clip(clip, home=home), None
        except InputError as err:
            logger.info("skipping %s: %s", clip.clip_id, err)
            yield clip, None, str(err)
        if progress is not None:
            progress(i, total)


def prepare_clips(
    clips: Sequence[Clip],
    progress: Callable[[int, int], None] | None = None,
    home: str | os.PathLike | None = None,
) -> tuple[list[PreparedClip], list[tuple[Clip, str]]]:
    """Prepare many clips, skipping (and listing) those with bad input; never aborts the rest.

    Returns:
        ``(prepared, skipped)``: the prepared clips in input order, and ``(clip, reason)`` for every
        clip that raised :class:`InputError` (the reason is its one-line message). Every prepared
        clip's frames are kept in memory; use :func:`iter_prepared` to stream a large dataset.
    """
    prepared: list[PreparedClip] = []
    skipped: list[tuple[Clip, str]] = []
    for clip, result, reason in iter_prepared(clips, progress, home):
        if result is not None:
            prepared.append(result)
        else:
            skipped.append((clip, reason or ""))
    return prepared, skipped
