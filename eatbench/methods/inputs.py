"""What a method generates from: a clip or a free image + audio pair, resolved once for every method.

A :class:`GenerationInput` names the input (a dataset clip and the clip whose face it animates, or
an image and a speech file). :func:`resolve_input` turns it into a :class:`ResolvedInput` in one
place, the only place any method learns its

- driving audio: the clip's prepared 16 kHz track (trimmed to its frames), or the speech file,
  checked for length and silence;
- frame count: as many frames as the audio implies (:func:`eatbench.io.frames_for_audio`);
- reference frame x_r: the benchmark crop of the identity clip's reference frame (the runner passes
  the actor's neutral clip, :func:`eatbench.clip.identity_clips`), or of the image;
- crop box: the benchmark crop's square in source pixels (of the clip's video, or of the image);
- mask boxes: the clip's per-frame Face Mesh mask boxes, or the image's one box (None without a mesh);
- ground-truth frames: the clip's benchmark crop (None for a free image);
- full source frames on demand (:meth:`ResolvedInput.source_frames`), for methods that paste a face
  back into the original frame.

Example:
    >>> resolved = resolve_input(GenerationInput(clip=clip))  # doctest: +SKIP
    >>> resolved.n_frames == len(resolved.frames)  # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from eatbench.clip import Clip
from eatbench.errors import InputError
from eatbench.io import FPS, Audio, frames_for_audio


@dataclass(frozen=True)
class GenerationInput:
    """What a method is asked for: a clip of a dataset, or a free reference image and audio file."""

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

    @property
    def label(self) -> str:
        """A short label for logs and errors: the clip id, or the image and audio file names."""
        if self.clip is not None:
            return self.clip.clip_id
        return f"{Path(self.image or '?').name}+{Path(self.audio or '?').name}"


@dataclass(frozen=True)
class ResolvedInput:
    """A generation input with everything a method reads, resolved once (see the module docstring)."""

    request: GenerationInput
    audio: Audio  # 16 kHz mono driving audio, muxed into the output
    reference: np.ndarray  # (256, 256, 3) uint8 RGB, x_r
    crop_box: np.ndarray  # (4,) float32 (x0, y0, x1, y1) of the benchmark crop in source pixels
    mask_boxes: np.ndarray | None  # (T, 4) per frame for a clip; (1, 4) for an image; None without a mesh
    frames: np.ndarray | None = None  # (T, 256, 256, 3) the clip's benchmark crop; None for an image
    reference_index: int = 0  # the reference frame's index in the identity clip (25 fps)
    identity_crop_box: np.ndarray | None = None  # the identity clip's crop box (None: crop_box)
    image: np.ndarray | None = None  # (H, W, 3) the full free image
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n_frames(self) -> int:
        """Frames the driving audio implies (25 fps)."""
        return frames_for_audio(self.audio)

    @property
    def clip(self) -> Clip | None:
        return self.request.clip

    @property
    def identity(self) -> Clip | None:
        return self.request.identity

    @property
    def identity_clip(self) -> Clip | None:
        return self.request.identity_clip

    @property
    def label(self) -> str:
        return self.request.label

    def source_frames(self) -> np.ndarray:
        """``(T, H, W, 3)`` the clip's source video at 25 fps (full frames), or the image repeated T times."""
        if "source" not in self._memo:
            if self.clip is None:
                assert self.image is not None
                self._memo["source"] = np.broadcast_to(self.image, (self.n_frames, *self.image.shape))
            else:
                from eatbench.io import read_video, resample_fps

                video = read_video(self.clip.video)
                self._memo["source"] = resample_fps(video.frames, video.fps, FPS)
        return self._memo["source"]

    def reference_source_frame(self) -> np.ndarray:
        """``(H, W, 3)`` the full frame x_r was cut from (the identity clip's source frame, or the image)."""
        clip = self.identity_clip
        if clip is None:
            assert self.image is not None
            return self.image
        if clip == self.clip:
            frames = self.source_frames()
        else:
            from eatbench.io import read_video, resample_fps

            video = read_video(clip.video)
            frames = resample_fps(video.frames, video.fps, FPS)
        return frames[min(self.reference_index, len(frames) - 1)]


def resolve_input(inp: GenerationInput, prepare: Callable[[Clip], Any] | None = None) -> ResolvedInput:
    """Resolve a clip (with its identity clip) or an image + speech pair, once, for any method.

    Args:
        inp: the input.
        prepare: clip → prepared clip (default :func:`eatbench.preprocess.prepare.prepare_clip`, cached).

    Raises:
        InputError: neither a clip nor both an image and an audio file; an unreadable image or one
            without a face; speech that is missing, too short or silent; a clip that cannot be prepared.
    """
    if inp.clip is not None:
        if prepare is None:
            from eatbench.preprocess.prepare import prepare_clip as prepare
        p = prepare(inp.clip)
        ident = p if inp.identity_clip == inp.clip else prepare(inp.identity_clip)
        return ResolvedInput(
            request=inp,
            audio=p.audio,
            reference=ident.reference,
            crop_box=np.asarray(p.crop_box, np.float32),
            mask_boxes=p.mask_boxes,
            frames=p.frames,
            reference_index=int(ident.reference_index),
            identity_crop_box=np.asarray(ident.crop_box, np.float32),
        )
    if inp.image is None or inp.audio is None:
        raise InputError("generation input: give a clip, or both an image (--image) and a speech file (--audio)")
    from eatbench.preprocess.mediapipe_face import face_mesh, mask_box

    image, crop = read_face_image(inp.image)
    audio = read_speech(inp.audio)
    box = mask_box(face_mesh(crop.frames[:1]))  # (1, 4)
    return ResolvedInput(
        request=inp,
        audio=audio,
        reference=crop.frames[0],
        crop_box=np.asarray(crop.box, np.float32),
        mask_boxes=box if np.isfinite(box).all() else None,  # no mesh: the model's documented default box
        image=image,
    )


def read_face_image(path: str | Path) -> tuple[np.ndarray, Any]:
    """A face image as RGB and its benchmark crop (:class:`eatbench.preprocess.crop.FaceCrop`, 256×256).

    Raises:
        InputError: the file is missing or unreadable, or holds no face.
    """
    import cv2

    from eatbench.preprocess.crop import crop_face

    if not Path(path).is_file():
        raise InputError(f"--image {path}: no such file")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"--image {path}: not a readable image (png, jpg, bmp, webp...)")
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return rgb, crop_face(rgb[None], FPS, path)


def read_speech(path: str | Path) -> Audio:
    """Speech at 16 kHz, refused when too short or silent."""
    from eatbench.io import check_speech, read_audio

    audio = read_audio(path)
    check_speech(audio, path)
    return audio
