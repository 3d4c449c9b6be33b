"""The demo corpus: a deterministic synthetic talking-face dataset written in MEAD's on-disk layout.

Layout (what the MEAD adapter reads, shared/reference/baselines-and-datasets.md §4.1)::

    {root}/{actor}/video/front/{emotion}/level_{n}/{NNN}.mp4   256x256, 25 fps, H.264 + AAC
    {root}/{actor}/audio/{emotion}/level_{n}/{NNN}.m4a         AAC, 16 kHz mono
    {root}/demo.json                                            what generated it (and "split": "clip")

Neutral clips sit at ``level_1`` and the other emotions at ``level_2`` (the paper's setting).
Sentence ``NNN`` is the same text for every actor and emotion, so the MEAD adapter's clip-level
split keeps test sentences out of training: sentences 009 and 010 (:data:`VAL_SENTENCES`) are the
validation split, and of the others every fourth (004, 008) is test. Validation clips share the
actors with test but no sentence with test or train; every model choice is made on them.

Reproducibility: every clip draws its randomness from a seed derived from (seed, actor, emotion,
sentence) only, so clips do not depend on one another or on the worker process that made them.
The frames and the 16 kHz samples (:func:`render_clip`) are pure functions of that seed: espeak-ng
is reseeded and reloaded per utterance, drawing is integer OpenCV rasterisation. The files are too,
for a given FFmpeg build: libx264 runs with one thread (its output otherwise depends on the machine's
core count; the encoder records ``threads=1`` in the stream) and FFmpeg's native AAC encoder has no
threads or randomness. Audio is padded with trailing silence to a multiple of 0.32 s (8 video
frames, 5 AAC frames) so the decoded audio is exactly ``640 x frames`` samples long.

Example:
    >>> generate_corpus("/tmp/demo", actors=["M003"], emotions=["happy"], sentences=1)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError
from eatbench.io import FPS, SAMPLE_RATE, Audio, frames_for_audio, write_video
from eatbench.paths import atomic_path
from eatbench.registry import did_you_mean

logger = logging.getLogger(__name__)

GENERATOR_VERSION = "1"
MANIFEST = "demo.json"
PARTIAL = ".demo-partial.json"  # the manifest of a run in progress (for resuming)
DEFAULT_ACTORS: tuple[str, ...] = ("M003", "M030", "W009", "W015", "M005", "W011", "M007", "W014")
DEFAULT_SENTENCES = 10
# Sentence ids held out for validation (when the corpus has them): disjoint from test (004, 008) and train.
VAL_SENTENCES: tuple[int, ...] = (9, 10)
MIN_SECONDS, MAX_SECONDS = 2.0, 4.0
ALIGN = 5120  # samples: 0.32 s = 8 video frames (640 samples) = 5 AAC frames (1024 samples)
VIDEO_OPTIONS = {"threads": "1"}  # libx264 output depends on the thread count; fix it

# Short, phonetically varied sentences (every English viseme class appears), spoken 2-4 s.
SENTENCES: tuple[str, ...] = (
    "She had your dark suit in greasy wash water.",
    "Don't ask me to carry an oily rag like that.",
    "The birch canoe slid on the smooth planks.",
    "Glue the sheet to the dark blue background.",
    "Open the window and let the cool air in.",
    "We will meet again beside the old oak tree.",
    "A large size in stockings is hard to sell.",
    "The boy was there when the sun rose.",
    "Her purse was full of useless trash.",
    "Five women played quietly by the pool.",
    "Kick the ball straight and follow through.",
    "Help the woman get back to her feet.",
)


def level_of(emotion: str) -> int:
    """MEAD intensity level used for an emotion: neutral only has level 1, the rest use level 2."""
    return 1 if emotion == "neutral" else 2


def video_path(root: Path, actor: str, emotion: str, sentence: int) -> Path:
    return root / actor / "video" / "front" / emotion / f"level_{level_of(emotion)}" / f"{sentence:03d}.mp4"


def audio_path(root: Path, actor: str, emotion: str, sentence: int) -> Path:
    return root / actor / "audio" / emotion / f"level_{level_of(emotion)}" / f"{sentence:03d}.m4a"


def clip_seed(seed: int, actor: str, emotion: str, sentence: int) -> int:
    """A 64-bit seed that depends only on the corpus seed and the clip's coordinates."""
    digest = hashlib.sha256(f"eatbench-demo/{seed}/{actor}/{emotion}/{sentence}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True)
class DemoClip:
    """A rendered clip in memory: frames, 16 kHz audio and the text spoken."""

    frames: np.ndarray  # (T, 256, 256, 3) uint8
    audio: Audio
    text: str


def render_clip(seed: int, actor: str, emotion: str, sentence: int) -> DemoClip:
    """Render one clip (no files written).

    1. Speech: espeak-ng with the emotion's prosody and the actor's voice, re-spoken faster or
       slower until it lasts 2-4 s.
    2. Performance: mouth track from the phoneme timings, blinks and head motion from the clip seed.
    3. Frames: the actor's face with the emotion's expression, one frame per 40 ms of audio.
    """
    from eatbench.datasets.demo.face import ClipCanvas
    from eatbench.datasets.demo.motion import blink_track, mouth_track, pose_track
    from eatbench.datasets.demo.people import EXPRESSIONS, identity_for
    from eatbench.datasets.demo.speech import PROSODY, synthesize

    rng = np.random.default_rng(clip_seed(seed, actor, emotion, sentence))
    idt = identity_for(actor)
    text = SENTENCES[(sentence - 1) % len(SENTENCES)]

    # 1. Speech, with a little per-clip prosody jitter.
    base = PROSODY[emotion]
    prosody = replace(
        base,
        pitch=int(np.clip(base.pitch + idt.pitch_offset + rng.integers(-4, 5), 0, 99)),
        rate=int(base.rate + rng.integers(-8, 9)),
    )
    speech_seed = int(rng.integers(1, 2**31 - 1))
    for _ in range(6):
        utt = synthesize(text, voice=idt.voice, prosody=prosody, seed=speech_seed)
        # Pad with trailing silence to a whole number of ALIGN-sample blocks: a whole number of
        # video frames and of AAC frames, so decoded audio and video have exactly the same length.
        n_samples = -(-len(utt.audio.samples) // ALIGN) * ALIGN
        duration = n_samples / SAMPLE_RATE
        if MIN_SECONDS <= duration <= MAX_SECONDS:
            break
        target = min(max(duration, MIN_SECONDS + 0.4), MAX_SECONDS - 0.4)
        prosody = replace(prosody, rate=round(prosody.rate * duration / target))
    else:
        raise RuntimeError(f"{actor}/{emotion}/{sentence:03d}: could not fit {text!r} into 2-4 s")
    samples = np.zeros(n_samples, np.float32)
    samples[: len(utt.audio.samples)] = utt.audio.samples
    audio = Audio(samples, SAMPLE_RATE)

    # 2. Performance.
    n = frames_for_audio(audio, FPS)
    mouths = mouth_track(utt.phonemes, audio, n)
    blinks = blink_track(n, rng)
    poses = pose_track(n, rng)

    # 3. Frames.
    canvas = ClipCanvas(idt, EXPRESSIONS[emotion])
    frames = np.stack([canvas.frame(mouths[i], blinks[i], poses[i]) for i in range(n)])
    return DemoClip(frames, audio, text)


def write_m4a(path: str | os.PathLike, audio: Audio) -> None:
    """Write mono AAC in an MP4 (.m4a) container, atomically (MEAD's audio files are .m4a)."""
    import av

    from eatbench.io import _encode_audio

    with atomic_path(path, suffix=".m4a") as tmp, av.open(str(tmp), mode="w", format="ipod") as out:
        stream = out.add_stream("aac", rate=audio.sample_rate)
        stream.layout = "mono"
        stream.codec_context.time_base = Fraction(1, audio.sample_rate)
        _encode_audio(out, stream, audio)


def _write_clip(job: tuple[str, int, str, str, int]) -> None:
    root, seed, actor, emotion, sentence = job
    clip = render_clip(seed, actor, emotion, sentence)
    write_video(video_path(Path(root), actor, emotion, sentence), clip.frames, FPS, clip.audio, lossless=False,
                codec_options=VIDEO_OPTIONS)  # fmt: skip
    write_m4a(audio_path(Path(root), actor, emotion, sentence), clip.audio)


def _check_names(values: Sequence[str], known: Sequence[str] | None, what: str) -> list[str]:
    values = list(values)
    if not values:
        raise InputError(f"--{what}: empty list")
    if len(set(values)) != len(values):
        raise InputError(f"--{what}: duplicates in {values}")
    for v in values:
        if known is not None and v not in known:
            raise InputError(f"--{what} {v!r}: unknown{did_you_mean(v, list(known))}")
        if known is None and (not v or "/" in v or v.startswith(".")):
            raise InputError(f"--{what} {v!r}: not a valid actor id (use MEAD style, e.g. M003 or W009)")
    return values


def generate_corpus(
    root: str | os.PathLike,
    seed: int = 0,
    actors: list[str] | None = None,
    emotions: list[str] | None = None,
    sentences: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> Path:
    """Write the demo corpus under ``root`` and return ``root``.

    Args:
        root: the folder that will hold the actor folders (created if needed).
        seed: corpus seed; the same seed gives byte-identical frames, audio and files.
        actors: actor ids (default the eight in :data:`DEFAULT_ACTORS`; other ids get derived looks).
        emotions: MEAD emotion words (default all eight).
        sentences: sentences per actor and emotion (default 10; 009 and 010 are the validation split).
        progress: called as ``progress(done, total)`` after every clip.
        workers: processes to render with (default: the number of CPUs, at most 8).

    Returns:
        ``root``. A complete corpus with the same settings is reused, and an interrupted run with
        the same settings resumes; otherwise every clip is written afresh (other files are left alone).

    Raises:
        InputError: an unknown emotion, a bad actor id, or a non-positive sentence count.
    """
    # 1. Check inputs.
    root = Path(root).expanduser()
    actors = _check_names(actors if actors is not None else DEFAULT_ACTORS, None, "actors")
    emotions = _check_names(emotions if emotions is not None else EMOTIONS, EMOTIONS, "emotions")
    n_sent = DEFAULT_SENTENCES if sentences is None else int(sentences)
    if n_sent < 1:
        raise InputError(f"--sentences {sentences}: must be at least 1")
    manifest = {
        "generator": "eatbench.datasets.demo",
        "version": GENERATOR_VERSION,
        "seed": int(seed),
        "actors": actors,
        "emotions": emotions,
        "sentences": n_sent,
        "sentence_texts": {f"{k:03d}": SENTENCES[(k - 1) % len(SENTENCES)] for k in range(1, n_sent + 1)},
        "levels": {e: level_of(e) for e in emotions},
        "view": "front",
        "fps": FPS,
        "sample_rate": 16000,
        "size": [256, 256],
        "split": "clip",
        "val_sentences": [f"{k:03d}" for k in VAL_SENTENCES if k <= n_sent],
    }
    jobs = [(str(root), int(seed), a, e, k) for a in actors for e in emotions for k in range(1, n_sent + 1)]

    # 2. Reuse what a previous run with the same settings finished: everything when the manifest
    #    (written last) matches, else the clips of an interrupted run recorded in the partial file.
    #    Files are written atomically, so an existing file is always a complete one.
    manifest_path, partial_path = root / MANIFEST, root / PARTIAL
    have = [video_path(root, *j[2:]).is_file() and audio_path(root, *j[2:]).is_file() for j in jobs]
    if manifest_path.is_file() and json.loads(manifest_path.read_text()) == manifest and all(have):
        if progress is not None:
            progress(len(jobs), len(jobs))
        return root
    resumable = partial_path.is_file() and json.loads(partial_path.read_text()) == manifest
    todo = [j for j, h in zip(jobs, have, strict=True) if not (resumable and h)]
    manifest_path.unlink(missing_ok=True)
    with atomic_path(partial_path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n")

    # 3. Render and write the clips, in parallel processes.
    done = len(jobs) - len(todo)
    workers = min(workers or os.cpu_count() or 1, 8, max(len(todo), 1))
    if progress is not None:
        progress(done, len(jobs))
    if workers <= 1:
        for i, job in enumerate(todo, done + 1):
            _write_clip(job)
            if progress is not None:
                progress(i, len(jobs))
    else:
        import multiprocessing

        # fork where available: it needs no `if __name__ == "__main__"` guard in the caller's script
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            for i, _ in enumerate(pool.map(_write_clip, todo, chunksize=1), done + 1):
                if progress is not None:
                    progress(i, len(jobs))

    # 4. The manifest marks the corpus complete.
    with atomic_path(manifest_path) as tmp:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    partial_path.unlink()
    logger.info("demo corpus: %d clips under %s", len(jobs), root)
    return root
