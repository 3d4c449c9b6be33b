"""EAT-Face and its ablation variants as benchmark methods.

One class, :class:`EATFace`, that declares its variants (``full``, ``w/o-EVE``, ``w/o-FEC``,
``w/o-Emo``: :attr:`EATFace.variants`); the methods registry resolves ``--variant`` against them
(``--method eatface --variant w/o-EVE``; the spelling ``--method eatface-w/o-eve`` resolves to the same).

Weights: ``--weights DIR`` (any folder written by ``eatbench train`` / ``save_pretrained``; with no
variant named, ``eatface`` takes the variant the folder holds), else the
first of: the shipped ``eatface/weights/<preset-slug>/`` and ``$EATBENCH_HOME/eatface/<preset-slug>/``
(the default ``--out`` of ``eatbench train``), where the slug is ``tiny`` for the full model and
``tiny-wo-eve`` etc. for the variants. With none present the method is unavailable and says how to
train one. Random weights are never used.

Generation reads the input resolved once by the contract (:class:`~eatbench.methods.inputs.ResolvedInput`):
- for a dataset clip, x_r is the reference frame of the identity clip (the runner passes the
  actor's neutral clip, :func:`eatbench.clip.identity_clips`, so the emotion comes from the text as in
  the ControlNet training), its audio drives the face, and its own frames with their Face Mesh mask
  boxes give x_m (the region outside the mask, head pose and
  background, comes from the source video, as in the paper's reconstruction protocol);
- for a free image, the benchmark crop of the image is x_r and x_m (mask box from Face Mesh on it).
The emotion comes decided by the one policy (:func:`eatbench.methods.contract.target_emotion`).
The model's 64² (tiny) or 256² (paper) frames are resized to the 256² contract with bicubic filtering.

Example:
    >>> EATFace(variant="w/o-EVE").name
    'eatface'
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, ClassVar

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError, InputError, MissingWeightsError
from eatbench.methods.base import CROP_SIZE, FPS, Availability, Method, check_emotion_words
from eatbench.methods.inputs import ResolvedInput

DEFAULT_PRESET = "tiny"
PACKAGE_WEIGHTS = Path(__file__).resolve().parents[2] / "eatface" / "weights"


def weights_slug(preset: str, variant: str) -> str:
    """``tiny`` for the full model, ``tiny-wo-eve`` for w/o-EVE, ..."""
    name = EATFace.canonical_variant(variant)
    return preset if name == EATFace.default_variant else f"{preset}-{name.lower().replace('w/o-', 'wo-')}"


def default_weights(variant: str, preset: str = DEFAULT_PRESET) -> list[Path]:
    """The folders searched, in order, when no ``--weights`` is given."""
    from eatbench.paths import eatbench_home

    slug = weights_slug(preset, variant)
    return [PACKAGE_WEIGHTS / slug, eatbench_home() / "eatface" / slug]


class EATFace(Method):
    """EAT-Face (Wang et al.): TFR + Emotion ControlNet, parallel DDIM sampling."""

    name = "eatface"
    version = "1"
    listing_order = 20
    kind = "model"
    emotions: ClassVar[tuple[str, ...]] = EMOTIONS
    emotion_source = "text prompt '<emotion> emotion' (CLIP)"
    # The ablation variants of Table IV, in the paper's order (Ours last). They are the variants of
    # eatface.variants.ABLATIONS (a test checks they agree), declared here so that naming a variant
    # never imports the model library (torch, diffusers).
    variants: ClassVar[tuple[str, ...]] = ("w/o-EVE", "w/o-FEC", "w/o-Emo", "full")
    default_variant: ClassVar[str | None] = "full"
    variant_aliases: ClassVar[dict[str, str]] = {"ours": "full", "eat-face": "full"}
    # The variants without an emotion condition (Ablation.uses_emotion is False).
    emotionless: ClassVar[tuple[str, ...]] = ("w/o-Emo",)

    def __init__(
        self,
        weights: str | Path | None = None,
        variant: str | None = None,
        num_inference_steps: int | None = None,
        sampling: str = "parallel",
        batch_size: int = 75,
        interpolation: str = "auto",
        intensity: float = 1.0,
        intensity_mode: str = "condition",
    ) -> None:
        index = Path(weights).expanduser() / "model_index.json" if weights is not None else None
        if variant is None and index is not None and index.is_file():
            # `--method eatface --weights DIR`: the folder says which variant it holds (saved as
            # "ablation"); a variant named with --variant is checked against the folder on loading.
            variant = json.loads(index.read_text()).get("ablation")
        self.variant = self.canonical_variant(variant or self.default_variant or "full")
        if self.variant in self.emotionless:
            self.emotions = ()  # w/o-Emo has no emotion control
        self.weights = Path(weights).expanduser() if weights is not None else None
        self.num_inference_steps = num_inference_steps
        self.sampling = sampling
        self.batch_size = batch_size
        self.interpolation = interpolation
        self.intensity = intensity  # the emotion's strength (eatface.emotion_mix): 0 neutral, 1 trained, <= 1.5
        self.intensity_mode = intensity_mode  # how it acts: condition, residual or alpha (eatface.emotion_mix)
        self._pipe: Any = None

    # ------------------------------------------------------------------ weights
    def weights_folder(self) -> Path | None:
        """The checkpoint folder this instance uses, or None when there is none."""
        if self.weights is not None:
            return self.weights if (self.weights / "model_index.json").is_file() else None
        for folder in default_weights(self.variant):
            if (folder / "model_index.json").is_file():
                return folder
        return None

    def _missing(self) -> str:
        if self.weights is not None:
            return f"--weights {self.weights}: no EAT-Face checkpoint there (no model_index.json)"
        searched = " or ".join(str(p) for p in default_weights(self.variant))
        flag = "" if self.variant == self.default_variant else f" --variant {self.variant}"
        return (
            f"EAT-Face ({self.variant}) has no weights (looked in {searched}); train them with "
            f"`eatbench train all --preset tiny --dataset demo{flag}` or pass --weights DIR"
        )

    def availability(self) -> Availability:
        return Availability(True) if self.weights_folder() is not None else Availability(False, self._missing())

    def weights_hash(self) -> str:
        folder = self.weights_folder()
        if folder is None:
            return ""
        h = hashlib.sha256()
        for p in sorted(folder.rglob("*")):
            if (
                p.is_file()
                # Training leftovers (checkpoints, stage snapshots) do not change what is generated.
                and not {"checkpoints", "stages"} & set(p.relative_to(folder).parts)
                and p.suffix in (".json", ".safetensors")
            ):
                if p.name == "training_state.json":
                    continue
                h.update(str(p.relative_to(folder)).encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()[:16]

    def pipeline(self) -> Any:
        """The loaded pipeline (cached on the instance)."""
        if self._pipe is None:
            folder = self.weights_folder()
            if folder is None:
                raise MissingWeightsError(self._missing())
            from diffusers.utils import logging as dlogging
            from transformers.utils import logging as tlogging

            from eatface.pipeline_eatface import EATFacePipeline

            dlogging.disable_progress_bar()
            tlogging.disable_progress_bar()  # its "Loading weights" bar would break one-line errors
            pipe = EATFacePipeline.from_pretrained(folder)
            if pipe.config.ablation != self.variant:
                raise EatbenchError(f"--weights {folder}: holds variant {pipe.config.ablation}, not {self.variant}")
            pipe.set_progress_bar_config(disable=True)
            self._pipe = pipe
        return self._pipe

    # ------------------------------------------------------------------ generation
    def emotion_blend(self, emotion: str) -> str | None:
        """A blend such as ``happy=0.7,surprised=0.3`` of our emotion words (EAT-Face mixes their
        conditions, :mod:`eatface.emotion_mix`); None when ``emotion`` is not written as a blend."""
        from eatface.emotion_mix import parse_emotion
        from eatface.errors import EATFaceError

        if "=" not in emotion and "," not in emotion:
            return None
        try:
            weights = parse_emotion(emotion)
        except EATFaceError as err:
            raise EatbenchError(f"--emotion {err}") from None
        check_emotion_words(list(weights))
        return emotion if len(weights) > 1 else next(iter(weights))

    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        """Sample EAT-Face for a resolved input; ``emotion`` is already decided (None for w/o-Emo)."""
        import torch
        import torch.nn.functional as F

        from eatbench.io import write_video
        from eatface.errors import EATFaceError

        pipe = self.pipeline()
        # x_m: a clip's own frames with their mask boxes (head pose and background from the source);
        # a free image is its own x_m, with the mask box Face Mesh found on it (or the default box).
        try:
            frames = pipe(
                inp.reference,
                inp.audio.samples,
                emotion,
                mask_frames=inp.frames,
                mask_boxes=inp.mask_boxes,
                num_inference_steps=self.num_inference_steps,
                sampling=self.sampling,
                batch_size=self.batch_size,
                generator=torch.Generator().manual_seed(seed),
                interpolation=self.interpolation,
                intensity=self.intensity,
                intensity_mode=self.intensity_mode,
            ).frames
        except EATFaceError as err:
            raise InputError(f"{inp.label}: {err}") from None
        if frames.shape[1] != CROP_SIZE:
            x = torch.from_numpy(frames).permute(0, 3, 1, 2).float()
            x = F.interpolate(x, size=(CROP_SIZE, CROP_SIZE), mode="bicubic", align_corners=False)
            frames = x.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy()
        write_video(out_path, frames, FPS, inp.audio)
        return Path(out_path)
