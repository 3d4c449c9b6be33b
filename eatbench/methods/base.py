"""The method interface every generator implements, and the output contract checked after each call.

A method turns a clip (or a free image + audio pair) and a target emotion into a video file:
25 fps, the benchmark's 256×256 face crop, the clip's audio muxed, as many frames as the audio
implies (within one frame). :func:`check_output` enforces this after every call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eatbench.clip import EMOTIONS, Clip
from eatbench.errors import EatbenchError
from eatbench.registry import Registry

METHODS: Registry[type[Method]] = Registry("method")

CROP_SIZE = 256
FPS = 25.0


@dataclass(frozen=True)
class Availability:
    """Whether a method can run on this machine, and if not, why (one line)."""

    ok: bool
    reason: str = ""


@dataclass(frozen=True)
class GenerationInput:
    """What a method gets: a clip of a dataset, or a free reference image and audio file."""

    clip: Clip | None = None
    image: Path | None = None  # a face image (used when clip is None)
    audio: Path | None = None  # speech (used when clip is None)
    # The clip whose reference frame is the face to animate (x_r); None: the clip itself. The runner
    # sets it by the emotion-control protocol (eatbench.clip.identity_clips: the actor's neutral clip).
    identity: Clip | None = None

    @property
    def identity_clip(self) -> Clip | None:
        """The clip that gives the identity reference frame."""
        return self.identity or self.clip


def _still_abstract(cls: type) -> bool:
    """True while ``cls`` leaves an abstract method unimplemented.

    ``__init_subclass__`` runs before ABCMeta computes ``__abstractmethods__``, so look it up here.
    """
    return any(getattr(getattr(cls, n, None), "__isabstractmethod__", False) for n in dir(cls))


class Method(ABC):
    """Base class of every method.

    Attributes:
        name: registry key (``eatface``, ``static-frame``, ``makeittalk``...).
        version: bumped whenever outputs change; part of every cache key.
        emotions: the emotion vocabulary it understands (empty when it has no emotion control).
        variants: the named variants of the method (e.g. EAT-Face's ablations), in the order tables
            list them; empty when it has none. The registry resolves ``--variant`` against it
            (:func:`eatbench.methods.registry.resolve_method`) and passes ``variant=`` to the constructor.
        default_variant: the variant the plain method name means (one of ``variants``).
        variant_aliases: other spellings of a variant (lower case) → its name.
        variant: the variant of this instance (None for a method without variants).
    """

    name: ClassVar[str]
    version: ClassVar[str]
    emotions: ClassVar[tuple[str, ...]] = ()
    variants: ClassVar[tuple[str, ...]] = ()
    default_variant: ClassVar[str | None] = None
    variant_aliases: ClassVar[dict[str, str]] = {}
    variant: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if _still_abstract(cls):  # an intermediate base class: checked in its subclasses
            return
        missing = [a for a in ("name", "version") if not hasattr(cls, a)]
        if missing:
            raise TypeError(f"method class {cls.__name__} lacks required attribute(s): {', '.join(missing)}")
        if cls.variants and cls.default_variant not in cls.variants:
            raise TypeError(f"method class {cls.__name__}: default_variant must be one of its variants {cls.variants}")

    @classmethod
    def canonical_variant(cls, variant: str) -> str:
        """The declared spelling of ``variant`` (case, spaces and aliases forgiven).

        >>> class M(Method):
        ...     name, version, variants, default_variant = "m", "1", ("full", "w/o-X"), "full"
        ...     def generate(self, inp, emotion, seed, out_path): ...
        >>> M.canonical_variant("W/O x")
        'w/o-X'

        Raises:
            EatbenchError: the method has no variants, or none of that name (with a suggestion).
        """
        from eatbench.registry import did_you_mean

        if not cls.variants:
            raise EatbenchError(f"--variant {variant}: method {cls.name!r} has no variants")
        key = variant.strip().lower().replace(" ", "-").replace("_", "-")
        key = cls.variant_aliases.get(key, key).lower()
        for v in cls.variants:
            if v.lower() == key:
                return v
        raise EatbenchError(
            f"--variant {variant!r}: method {cls.name!r} has no such variant{did_you_mean(variant, list(cls.variants))}"
        )

    @property
    def series_variant(self) -> str | None:
        """The variant that names this instance's results: None for the default (the method itself)."""
        return None if self.variant == self.default_variant else self.variant

    @property
    def emotion_controlled(self) -> bool:
        return bool(self.emotions)

    def availability(self) -> Availability:
        """Can this method run here? Override to check repositories, checkpoints, executables."""
        return Availability(True)

    def weights_hash(self) -> str:
        """A hash of the weights this method would use ('' when it has none); part of cache keys."""
        return ""

    def check_emotion(self, emotion: str | None) -> str | None:
        if emotion is None or not self.emotion_controlled:
            return None
        if emotion not in EMOTIONS:
            from eatbench.registry import did_you_mean

            raise EatbenchError(f"unknown emotion {emotion!r}{did_you_mean(emotion, list(EMOTIONS))}")
        return emotion

    @abstractmethod
    def generate(self, inp: GenerationInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        """Write the generated video to ``out_path`` (a lossless .mkv) and return it."""


def check_output(path: Path, n_audio_frames: int, size: int = CROP_SIZE, fps: float = FPS) -> None:
    """Check the output contract; raise :class:`EatbenchError` with the reason when it breaks."""
    from eatbench.io import read_audio, read_video

    video = read_video(path)
    if abs(video.fps - fps) > 1e-3:
        raise EatbenchError(f"{path}: {video.fps:g} fps, the contract is {fps:g} fps")
    if video.frames.shape[1:3] != (size, size):
        raise EatbenchError(
            f"{path}: frames are {video.frames.shape[2]}x{video.frames.shape[1]}, the contract is {size}x{size}"
        )
    if abs(video.num_frames - n_audio_frames) > 1:
        raise EatbenchError(f"{path}: {video.num_frames} frames, the audio implies {n_audio_frames} (±1)")
    read_audio(path)  # raises when the audio is missing
    if not np.isfinite(video.frames).all():
        raise EatbenchError(f"{path}: non-finite frames")
