"""Calling a method: the one path through which every command reaches ``Method.generate``.

:func:`run_method` is how ``eatbench run``, ``ablate``, ``reproduce``, ``generate`` and the tests call
any method. It

1. resolves the input once (:func:`~eatbench.methods.inputs.resolve_input`: reference frame, driving
   audio, frame count, crop box, mask boxes) and the emotion by the one policy (:func:`target_emotion`);
2. calls ``method.generate``; a user error (:class:`~eatbench.errors.EatbenchError`: a missing
   checkpoint, a variant the weights do not hold) passes through unchanged, since it concerns every
   item; an :class:`OSError` or :class:`MemoryError` becomes a :class:`GenerationFailed` of kind
   ``environment`` (retried by the next run); any other exception one of kind ``crash`` carrying the
   traceback tail;
3. checks the contract (:func:`eatbench.methods.base.check_output`: 25 fps, 256×256, audio muxed, the
   frames the audio implies, never fewer) and that a face is visible at the start, middle and end; a
   broken output is moved aside to ``<out>.rejected.<ext>`` and reported as ``contract`` or
   ``no-face``, never scored;
4. writes the sidecar ``<out>.json`` saying what produced the video.

A :class:`GenerationFailed` names the method, the item, the kind and the reason on one line, and
keeps the tail of the upstream log (``log_tail``) so the runner can record it per clip and go on.
Only the :data:`DETERMINISTIC` kinds are facts about a method on an input: the runner reuses them;
every other failure (the environment, a missing input file, a timeout) is tried again.
"""

from __future__ import annotations

import json
import logging
import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np

from eatbench.clip import EMOTIONS, Clip
from eatbench.errors import EatbenchError
from eatbench.methods.base import Method, check_emotion_words, check_output
from eatbench.methods.inputs import GenerationInput, ResolvedInput, resolve_input

logger = logging.getLogger(__name__)

FailureKind = Literal["crash", "timeout", "contract", "no-face", "input", "environment"]
# Failures that the same method gives again on the same inputs and seed: reused by the next run.
DETERMINISTIC: frozenset[str] = frozenset({"crash", "contract", "no-face"})
LOG_TAIL_LINES = 30
DEFAULT_EMOTION = "neutral"


class GenerationFailed(EatbenchError):
    """One item failed: the method crashed or its output breaks the contract (the run goes on)."""

    def __init__(self, method: str, item: str, kind: FailureKind, reason: str, log_tail: str = "") -> None:
        self.method, self.item, self.kind, self.reason, self.log_tail = method, item, kind, reason, log_tail
        super().__init__(f"{method}: {item}: {kind}: {reason}")

    def to_dict(self) -> dict[str, str]:
        return {
            "method": self.method,
            "item": self.item,
            "kind": self.kind,
            "reason": self.reason,
            "log": self.log_tail,
        }


def item_name(inp: GenerationInput | ResolvedInput) -> str:
    """A short label for logs and errors: the clip id, or the image and audio file names."""
    return inp.label


def target_emotion(method: Method, emotion: str | None, inp: GenerationInput | ResolvedInput) -> str | None:
    """The emotion policy, the one place it is decided: what ``generate`` gets as ``emotion``.

    None for a method without emotion control; else the requested emotion (in our vocabulary,
    checked here, or a blend the method takes: :meth:`Method.emotion_blend`), by default the clip's own label, and :data:`DEFAULT_EMOTION` for a free image.

    Raises:
        EatbenchError: an emotion outside our vocabulary (with a suggestion).
    """
    if not method.emotion_controlled:
        return None
    if emotion is None:
        return inp.clip.emotion if inp.clip is not None and inp.clip.emotion in EMOTIONS else DEFAULT_EMOTION
    if emotion in EMOTIONS:
        return emotion
    blend = method.emotion_blend(emotion)  # e.g. EAT-Face's happy=0.7,surprised=0.3 (checked there)
    if blend is not None:
        return blend
    check_emotion_words([emotion])
    return emotion


def tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of ``text``."""
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_method(
    method: Method,
    inp: GenerationInput | ResolvedInput,
    emotion: str | None,
    seed: int,
    out_path: str | os.PathLike,
    check_face: bool = True,
    prepare: Callable[[Clip], Any] | None = None,
    weights_hash: str | None = None,
) -> Path:
    """Generate one video with ``method`` and check it against the output contract.

    Args:
        method: any registered method instance.
        inp: a clip, or an image and audio file (or an input already resolved).
        emotion: the target emotion in our vocabulary, or None for the default (see :func:`target_emotion`).
        seed: the generation seed.
        out_path: the lossless ``.mkv`` to write.
        check_face: also require a detectable face in the first, middle and last frames.
        prepare: clip → prepared clip, for :func:`~eatbench.methods.inputs.resolve_input`.
        weights_hash: the method's :meth:`~Method.weights_hash` when the caller has it already (a run
            hashes the weights once, not once per clip); computed here otherwise.

    Returns:
        ``out_path``, holding a video that meets the contract.

    Raises:
        GenerationFailed: the method crashed on this item, or its output breaks the contract.
        InputError: this item's input cannot be used (missing file, no face, silent audio).
        EatbenchError: a problem that concerns every item (missing repository, checkpoint, bad option).
    """
    out_path = Path(out_path)
    # 1. The input and the emotion, resolved once.
    resolved = inp if isinstance(inp, ResolvedInput) else resolve_input(inp, prepare)
    target = target_emotion(method, emotion, resolved)
    # 2. Generate.
    try:
        path = Path(method.generate(resolved, target, seed, out_path))
    except EatbenchError:
        raise
    except (OSError, MemoryError) as err:
        logger.debug("method %s failed on %s", method.name, resolved.label, exc_info=True)
        raise GenerationFailed(method.name, resolved.label, "environment", f"{type(err).__name__}: {err}") from err
    except Exception as err:
        logger.debug("method %s crashed on %s", method.name, resolved.label, exc_info=True)
        raise GenerationFailed(
            method.name, resolved.label, "crash", f"{type(err).__name__}: {err}", tail(traceback.format_exc())
        ) from err
    if path.resolve() != out_path.resolve():
        os.replace(path, out_path)
        path = out_path
    # 3. The contract, then a visible face.
    try:
        video = check_output(path, resolved.n_frames)
    except EatbenchError as err:
        _reject(path)
        raise GenerationFailed(method.name, resolved.label, "contract", str(err)) from None
    if check_face:
        missing = _frames_without_face(video.frames)
        if missing:
            _reject(path)
            raise GenerationFailed(method.name, resolved.label, "no-face", f"no face detected in frame(s) {missing}")
    # 4. The sidecar.
    if weights_hash is None:
        weights_hash = method.weights_hash()
    _write_sidecar(path, method, weights_hash, resolved.request, emotion, target, seed)
    return path


def _frames_without_face(frames: np.ndarray) -> list[int]:
    """The first, middle and last frames in which the face detector finds no face.

    Outputs are tight face crops, and the detector's full-range model (chosen for raw videos, where
    faces can be small) needs context around a face: on the tiny EAT-Face's outputs for a demo face
    (neutral, angry) it missed 45 to 71 of 72 frames, and found the face in every frame tried (score
    0.75-0.90) once each side was padded by 1/8 to 1 frame side with its edge pixels; we pad by 1/4.
    The padding did not make it accept a face-less output (the tiny model's output for a real photo:
    score 0 with and without).
    """
    import cv2

    from eatbench.preprocess.mediapipe_face import detect_faces

    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    pad = max(frames.shape[1:3]) // 4
    padded = np.stack([cv2.copyMakeBorder(f, pad, pad, pad, pad, cv2.BORDER_REPLICATE) for f in frames[picks]])
    boxes = detect_faces(padded)
    return [i for i, box in zip(picks, boxes, strict=True) if np.isnan(box).any()]


def _reject(path: Path) -> None:
    if path.exists():
        os.replace(path, path.with_name(f"{path.stem}.rejected{path.suffix}"))


def _write_sidecar(
    path: Path,
    method: Method,
    weights_hash: str,
    inp: GenerationInput,
    emotion: str | None,
    target: str | None,
    seed: int,
) -> None:
    from eatbench.paths import atomic_path

    record: dict[str, Any] = {
        "method": method.name,
        "variant": method.variant,
        "version": method.version,
        "weights_hash": weights_hash,
        "seed": seed,
        "emotion_requested": emotion,
        "emotion_used": target,
        "clip": None if inp.clip is None else inp.clip.to_dict(),
        "identity_clip": None if inp.identity is None else inp.identity.clip_id,
        "image": None if inp.image is None else str(inp.image),
        "audio": None if inp.audio is None else str(inp.audio),
        **getattr(method, "run_details", dict)(),
    }
    with atomic_path(path.with_suffix(".json")) as tmp:
        tmp.write_text(json.dumps(record, indent=2, sort_keys=True))


def check_writable(out_path: Path, n_bytes: int) -> None:
    """Refuse an output location before anything is generated: a parent that is a file, a folder
    that cannot be created or written, or a disk without room for ``n_bytes``.

    The room is reserved for a moment with ``posix_fallocate`` in a probe file beside the output (a
    full disk, or a file-size limit, fails there), and the probe removed.

    Raises:
        EnvironmentFault: one line naming the path and the reason (exit 4).
    """
    import errno
    import tempfile

    from eatbench.errors import EnvironmentFault

    parent = out_path.parent
    for p in (parent, *parent.parents):
        if p.exists():
            if not p.is_dir():
                raise EnvironmentFault(f"--out {out_path}: {p} is a file, not a folder; nothing was generated")
            break
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".eatbench-probe-") as probe:
            try:
                os.posix_fallocate(probe.fileno(), 0, max(n_bytes, 1))
            except OSError as err:
                if err.errno not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                    raise
                import shutil

                if shutil.disk_usage(parent).free < n_bytes:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from None
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            reason = f"no room for the video (about {n_bytes / 2**20:.0f} MiB): {err.strerror}"
        elif err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = f"{parent} is not writable ({err.strerror})"
        else:
            reason = f"cannot write in {parent} ({err.strerror or err})"
        raise EnvironmentFault(f"--out {out_path}: {reason}; nothing was generated") from None
