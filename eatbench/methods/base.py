"""The method interface every generator implements, and the output contract checked after each call.

A method turns a resolved input (:class:`~eatbench.methods.inputs.ResolvedInput`: a clip, or a free
image + audio pair) and a target emotion into a video file: 25 fps, the benchmark's 256×256 face
crop, the clip's audio muxed, as many frames as the audio implies (one more at most, never fewer).
:func:`check_output` enforces this after every call.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eatbench.errors import EatbenchError
from eatbench.io import Video
from eatbench.methods.inputs import GenerationInput, ResolvedInput
from eatbench.registry import Registry

__all__ = ["CROP_SIZE", "FPS", "METHODS", "Availability", "GenerationInput", "Method", "ResolvedInput", "check_output"]

METHODS: Registry[type[Method]] = Registry("method")

CROP_SIZE = 256
FPS = 25.0


@dataclass(frozen=True)
class Availability:
    """Whether a method can run on this machine, and if not, why (one line)."""

    ok: bool
    reason: str = ""


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
        listing_order: rank in ``methods list`` and ``reproduce`` (ties: by name).
    """

    name: ClassVar[str]
    version: ClassVar[str]
    emotions: ClassVar[tuple[str, ...]] = ()
    variants: ClassVar[tuple[str, ...]] = ()
    default_variant: ClassVar[str | None] = None
    variant_aliases: ClassVar[dict[str, str]] = {}
    variant: str | None = None
    # Where the method stands in listings and in `reproduce` (entry points come in no useful order):
    # references, then EAT-Face, then the baselines in the paper's column order; plugins after.
    listing_order: ClassVar[int] = 100

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

    def emotion_blend(self, emotion: str) -> str | None:
        """``emotion`` as this method's blend of emotions (checked), or None: it takes one emotion word.

        The emotion policy (:func:`eatbench.methods.contract.target_emotion`) asks this for any
        ``--emotion`` outside our vocabulary; methods that mix emotions override it.
        """
        return None

    def availability(self) -> Availability:
        """Can this method run here? Override to check repositories, checkpoints, executables."""
        return Availability(True)

    def weights_hash(self) -> str:
        """A hash of the weights this method would use ('' when it has none); part of cache keys."""
        return ""

    # True when the method knows its upstream repository's own output format: ``--from-folder DIR
    # --layout upstream`` then normalises ingested files by :meth:`normalize_upstream`.
    upstream_layout: ClassVar[bool] = False

    @classmethod
    def normalize_upstream(cls, video: Video, inp: ResolvedInput) -> np.ndarray:
        """Frames of this method's own output format brought to the contract: 25 fps, the benchmark
        crop, the frames the audio implies (see :attr:`upstream_layout`)."""
        raise NotImplementedError(f"method {cls.name!r} has no upstream output layout")

    def input_key(self, inp: GenerationInput) -> str:
        """What this method reads for ``inp`` besides the clip and its settings ('' for nothing), e.g. the
        hash of an ingested file: part of the video's cache key, so a changed input is a new video."""
        return ""

    @abstractmethod
    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        """Write the generated video to ``out_path`` (a lossless .mkv) and return it.

        Called only through :func:`eatbench.methods.contract.run_method`, which resolves the input
        once (:func:`eatbench.methods.inputs.resolve_input`) and the emotion by the one policy
        (:func:`eatbench.methods.contract.target_emotion`: None for a method without emotion control).
        """


def check_output(path: Path, n_audio_frames: int, size: int = CROP_SIZE, fps: float = FPS) -> Video:
    """Check the output contract and return the video read; raise :class:`EatbenchError` with the reason when it breaks.

    The video must be 25 fps and ``size``×``size``, with an audio track, and hold the frames its
    driving audio implies: never fewer (a video cut short is never scored, whatever its muxed track
    says), at most one more (encoder rounding); its own audio track may not imply more frames either.
    """
    from eatbench.io import frames_for_audio, read_audio, read_video

    video = read_video(path)
    if abs(video.fps - fps) > 1e-3:
        raise EatbenchError(f"{path}: {video.fps:g} fps, the contract is {fps:g} fps")
    if video.frames.shape[1:3] != (size, size):
        raise EatbenchError(
            f"{path}: frames are {video.frames.shape[2]}x{video.frames.shape[1]}, the contract is {size}x{size}"
        )
    if video.num_frames < n_audio_frames:
        raise EatbenchError(f"{path}: cut short: {video.num_frames} frames, the audio implies {n_audio_frames}")
    if video.num_frames > n_audio_frames + 1:
        raise EatbenchError(f"{path}: {video.num_frames} frames, the audio implies {n_audio_frames} (+1 at most)")
    track = frames_for_audio(read_audio(path))  # raises when the audio is missing
    if track > video.num_frames + 1:
        raise EatbenchError(f"{path}: cut short: {video.num_frames} frames, its audio track implies {track}")
    if not np.isfinite(video.frames).all():
        raise EatbenchError(f"{path}: non-finite frames")
    return video


def check_emotion_words(names: list[str]) -> None:
    """Refuse any name outside our emotion vocabulary, with a suggestion.

    Raises:
        EatbenchError: the first unknown name.
    """
    from eatbench.clip import EMOTIONS
    from eatbench.errors import EatbenchError
    from eatbench.registry import did_you_mean

    for name in names:
        if name not in EMOTIONS:
            raise EatbenchError(f"--emotion {name!r}: unknown emotion{did_you_mean(name, list(EMOTIONS))}")
