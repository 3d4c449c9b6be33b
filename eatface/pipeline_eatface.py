"""EATFacePipeline: reference image + speech + emotion text → talking-face frames (Sec. III-E).

Written as numbered steps, like diffusers' ControlNet pipeline:

1. check inputs;
2. audio condition c_a: wav2vec 2.0 features (``tiny``: log-mel), the window of 3 per frame, F_a (Sec. III-C-1);
3. visual conditions c_v = {z_m, z_r}: the VAE latents of the masked frames and of the reference
   (Sec. III-C-2/3);
4. emotion condition: c_e from EVE (Eq. 7) for the ControlNet, or the variant's replacement;
5. initial noise: *parallel* sampling starts every frame from one shared z_T ~ N(0, I) (Sec. III-E,
   after [10]); *progressive* sampling (kept for comparison) draws a fresh z_T per frame;
6. denoising loop: DDIM by default (any diffusers scheduler can be swapped in); in parallel mode the
   frames go through the UNet together, ``batch_size`` at a time; in progressive mode one at a time;
7. decode with the VAE;
8. inter-frame smoothing by frame interpolation (:mod:`eatface.interpolation`).

The output is a (N, H, W, 3) uint8 array at the model's resolution, N = round(25 · duration); the
caller muxes the audio (``eatbench.io.write_video``).

Example:
    >>> from eatface.build import build_pipeline
    >>> from eatface.configuration import get_preset
    >>> import numpy as np
    >>> pipe = build_pipeline(get_preset("tiny", ablation="w/o-Emo"))
    >>> image = np.zeros((64, 64, 3), np.uint8)
    >>> audio = np.random.default_rng(0).normal(0, 0.1, 8000).astype(np.float32)
    >>> pipe(image, audio, num_inference_steps=2).frames.shape
    (13, 64, 64, 3)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import torch
from diffusers import AutoencoderKL, ControlNetModel, DiffusionPipeline, UNet2DConditionModel
from diffusers.schedulers import KarrasDiffusionSchedulers  # noqa: F401  (documents the swappable type)
from diffusers.utils import BaseOutput

from eatface.audio import AudioProjector, audio_features, audio_windows
from eatface.controlnet import emotion_condition
from eatface.emotion_mix import DEFAULT_INTENSITY_MODE, check_intensity, mixed_condition, parse_emotion
from eatface.errors import EATFaceError
from eatface.eve import EmotionVisualEmbedding, clip_image_embeds, clip_text_embeds, emotion_prompt
from eatface.images import to_model_images, to_uint8_frames
from eatface.interpolation import FrameInterpolator, smooth_frames
from eatface.log_mel import LogMelEncoder  # noqa: F401  (imported so from_pretrained can load the component)
from eatface.mask import default_boxes, masked_image
from eatface.unet import predict_noise
from eatface.variants import get_ablation

FPS = 25.0
SAMPLE_RATE = 16000


@dataclass
class EATFacePipelineOutput(BaseOutput):
    """frames: (N, H, W, 3) uint8 RGB at 25 fps."""

    frames: np.ndarray


class EATFacePipeline(DiffusionPipeline):
    """EAT-Face: the TFR UNet steered by the Emotion ControlNet (or a variant's emotion path).

    Args:
        vae: the KL autoencoder (E, D).
        unet: the TFR UNet (12 input channels, Eq. 4).
        audio_projector: F_a.
        audio_encoder: the frozen wav2vec 2.0 model W (``tiny``: a :class:`~eatface.log_mel.LogMelEncoder`).
        scheduler: any diffusers scheduler (DDIM by default).
        controlnet: the Emotion ControlNet (variants ``full`` and ``w/o-EVE``).
        eve: the EVE adapters (``full``).
        clip: the frozen CLIP model (E_CI, E_CT) when the variant uses emotion text.
        tokenizer: CLIP's tokenizer.
        interpolator: an optional learned frame interpolator for step 8.
        ablation: the variant name (:mod:`eatface.variants`).
        num_inference_steps: the default number of sampling steps.
    """

    model_cpu_offload_seq = "audio_encoder->clip->eve->audio_projector->vae->controlnet->unet"
    _optional_components: ClassVar[list[str]] = ["controlnet", "eve", "clip", "tokenizer", "interpolator"]

    def __init__(
        self,
        vae: AutoencoderKL,
        unet: UNet2DConditionModel,
        audio_projector: AudioProjector,
        audio_encoder: Any,
        scheduler: Any,
        controlnet: ControlNetModel | None = None,
        eve: EmotionVisualEmbedding | None = None,
        clip: Any = None,
        tokenizer: Any = None,
        interpolator: FrameInterpolator | None = None,
        ablation: str = "full",
        num_inference_steps: int = 25,
    ) -> None:
        super().__init__()
        self.register_modules(
            vae=vae,
            unet=unet,
            audio_projector=audio_projector,
            audio_encoder=audio_encoder,
            scheduler=scheduler,
            controlnet=controlnet,
            eve=eve,
            clip=clip,
            tokenizer=tokenizer,
            interpolator=interpolator,
        )
        self.register_to_config(ablation=get_ablation(ablation).name, num_inference_steps=num_inference_steps)

    # ------------------------------------------------------------------ building blocks (shared with training)
    @property
    def resolution(self) -> int:
        return int(self.vae.config.sample_size)

    @property
    def ablation(self):
        return get_ablation(self.config.ablation)

    @torch.no_grad()
    def encode_images(self, images: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
        """z = E(x) · scaling_factor for images (N, 3, H, W) in [-1, 1]; the posterior mode, not a sample."""
        p = next(self.vae.parameters())
        out = [
            self.vae.encode(images[k : k + batch_size].to(p.device, p.dtype)).latent_dist.mode()
            for k in range(0, images.shape[0], batch_size)
        ]
        return torch.cat(out) * self.vae.config.scaling_factor

    @torch.no_grad()
    def decode_latents(self, latents: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
        """x̃ = D(z̃_0 / scaling_factor) → (N, 3, H, W) in [-1, 1]."""
        p = next(self.vae.parameters())
        z = latents / self.vae.config.scaling_factor
        out = [
            self.vae.decode(z[k : k + batch_size].to(p.device, p.dtype)).sample
            for k in range(0, z.shape[0], batch_size)
        ]
        return torch.cat(out).float().clamp(-1, 1)

    def text_embeds(self, emotions: list[str]) -> torch.Tensor:
        """E_CT("<e> emotion") for each emotion, (B, P)."""
        if self.clip is None or self.tokenizer is None:
            raise EATFaceError(f"variant {self.config.ablation} has no CLIP text encoder")
        return clip_text_embeds(self.clip, self.tokenizer, [emotion_prompt(e) for e in emotions])

    def emotion_map(
        self,
        weights: Mapping[str, float],
        references: torch.Tensor,
        intensity: float = 1.0,
        mode: str = DEFAULT_INTENSITY_MODE,
    ) -> torch.Tensor | None:
        """c_e (1, 4, h, w) for the ControlNet, or None when the variant has no ControlNet.

        ``full``: h^e = α A_e(E_CT(e)) + (1 − α) A_v(E_CI(x_r)) (Eq. 7); ``w/o-EVE``: E_CT(e) itself. A blend
        of emotions and an intensity other than 1 follow :mod:`eatface.emotion_mix` (``residual`` mode
        leaves c_e at full strength: the caller scales the residuals).
        """
        ablation = self.ablation
        if not ablation.controlnet:
            return None
        if ablation.eve and self.eve is None:
            raise EATFaceError("this checkpoint has no trained EVE adapters: run the eve stage")
        if mode == "alpha":
            h_e = self._alpha_scaled(weights, references, intensity)
        else:
            h_e = mixed_condition(
                lambda names: self._emotion_vectors(names, references),
                weights,
                1.0 if mode == "residual" else intensity,
            )
        return emotion_condition(h_e, self.unet.config.sample_size, self.unet.config.out_channels)

    def _emotion_vectors(self, emotions: list[str], references: torch.Tensor) -> torch.Tensor:
        """h(e) of the variant's emotion condition for each emotion: Eq. 7 (``full``) or E_CT(e)."""
        text = self.text_embeds(emotions)
        if not self.ablation.eve:
            return text
        param = next(self.eve.parameters())
        image = clip_image_embeds(self.clip, references).to(param.device, param.dtype)
        return self.eve.fuse(text.to(param.device, param.dtype), image.expand(len(emotions), -1))

    def _alpha_scaled(self, weights: Mapping[str, float], references: torch.Tensor, intensity: float) -> torch.Tensor:
        """Eq. 7 with α replaced by s·α and A_e(E_CT(e)) by the blend Σ_k w_k A_e(E_CT(e_k)) (``alpha`` mode)."""
        if not self.ablation.eve:
            raise EATFaceError(f"intensity_mode alpha scales α of Eq. 7: variant {self.config.ablation} has no EVE")
        alpha = self.eve.config.alpha * intensity
        if alpha > 1.0:
            raise EATFaceError(f"intensity {intensity}: s·α = {alpha:.2f} exceeds 1 (α = {self.eve.config.alpha})")
        param = next(self.eve.parameters())
        text = self.text_embeds(list(weights)).to(param.device, param.dtype)
        a_e = self.eve.adapter_e(self.eve._standardised(text, self.eve.text_mean, self.eve.text_std))
        w = torch.tensor(list(weights.values()), dtype=a_e.dtype, device=a_e.device)
        image = clip_image_embeds(self.clip, references).to(param.device, param.dtype)
        return alpha * (w[:, None] * a_e).sum(0, keepdim=True) + (1.0 - alpha) * self.eve.visual(image)

    def audio_tokens(self, windows: torch.Tensor, emotion_embeds: torch.Tensor | None = None) -> torch.Tensor:
        """c_a = F_a(windows) (B, 3, D); (B, 4, D) with the w/o-FEC emotion token."""
        param = next(self.audio_projector.parameters())
        if emotion_embeds is not None:
            emotion_embeds = emotion_embeds.to(param.device, param.dtype)
        return self.audio_projector(windows.to(param.device, param.dtype), emotion_embeds)

    # ------------------------------------------------------------------ sampling
    def check_inputs(
        self, image: Any, audio: Any, emotion: Any, sampling: str, batch_size: int, intensity: float, mode: str
    ) -> tuple[np.ndarray, dict[str, float] | None]:
        """The 16 kHz samples as float32 and the emotion weights (None for w/o-Emo), or one-line errors."""
        if image is None:
            raise EATFaceError("image: a reference face image is required")
        samples = np.asarray(audio, dtype=np.float32).reshape(-1)
        if samples.size < SAMPLE_RATE // FPS * 2:
            raise EATFaceError(f"audio: {samples.size} samples at 16 kHz is shorter than two video frames")
        if sampling not in ("parallel", "progressive"):
            raise EATFaceError(f"sampling must be 'parallel' or 'progressive', got {sampling!r}")
        if batch_size < 1:
            raise EATFaceError(f"batch_size must be >= 1, got {batch_size}")
        if self.ablation.uses_emotion and not emotion:
            raise EATFaceError(f"variant {self.config.ablation} needs an emotion (e.g. 'happy')")
        if self.ablation.controlnet and self.controlnet is None:
            raise EATFaceError("this checkpoint has no trained Emotion ControlNet: run the controlnet stage")
        check_intensity(intensity, mode)
        if not self.ablation.uses_emotion:
            if intensity != 1.0:
                raise EATFaceError(f"variant {self.config.ablation} has no emotion condition to scale (intensity)")
            return samples, None
        if mode != "condition" and not self.ablation.controlnet:
            raise EATFaceError(f"intensity_mode {mode} needs the Emotion ControlNet; variant {self.config.ablation}")
        return samples, parse_emotion(emotion)

    def _denoise(
        self,
        z: torch.Tensor,
        z_m: torch.Tensor,
        z_r: torch.Tensor,
        c_a: torch.Tensor,
        c_e: torch.Tensor | None,
        num_inference_steps: int,
        conditioning_scale: float,
        generator: torch.Generator | None,
    ) -> torch.Tensor:
        """Run the whole reverse process on one batch of frames; a fresh scheduler copy per batch."""
        scheduler = copy.deepcopy(self.scheduler)  # multistep schedulers keep per-trajectory state
        scheduler.set_timesteps(num_inference_steps, device=z.device)
        z = z * scheduler.init_noise_sigma
        for t in scheduler.timesteps:
            z_in = scheduler.scale_model_input(z, t)
            eps = predict_noise(
                self.unet, z_in, t, z_m, z_r, c_a, self.controlnet if c_e is not None else None, c_e, conditioning_scale
            )
            z = scheduler.step(eps, t, z, generator=generator, return_dict=False)[0]
        return z

    @torch.no_grad()
    def __call__(
        self,
        image: Any,
        audio: np.ndarray | torch.Tensor,
        emotion: str | Mapping[str, float] | None = None,
        *,
        intensity: float = 1.0,
        intensity_mode: str = DEFAULT_INTENSITY_MODE,
        mask_frames: np.ndarray | None = None,
        mask_boxes: np.ndarray | torch.Tensor | None = None,
        num_inference_steps: int | None = None,
        sampling: Literal["parallel", "progressive"] = "parallel",
        batch_size: int = 75,
        generator: torch.Generator | None = None,
        latents: torch.Tensor | None = None,
        conditioning_scale: float = 1.0,
        interpolation: str = "auto",
        interpolation_weight: float = 0.5,
        callback: Callable[[int, int], None] | None = None,
        return_dict: bool = True,
    ) -> EATFacePipelineOutput | tuple[np.ndarray]:
        """Generate the talking-face frames.

        Args:
            image: the reference face x_r, uint8 RGB (H, W, 3) (or PIL), a square face crop.
            audio: mono speech at 16 kHz, float in [-1, 1].
            emotion: the target emotion word ("happy"), or a blend ("happy=0.7,surprised=0.3" or a
                mapping), for variants with emotion control (:mod:`eatface.emotion_mix`).
            intensity: the emotion's strength s: 0 neutral, 1 as trained, up to 1.5.
            intensity_mode: how s acts: ``condition`` (default), ``residual`` or ``alpha``.
            mask_frames: optional (N, H, W, 3) uint8 frames whose outside-the-mask region the output
                keeps (e.g. the source video when re-dubbing); default: the reference repeated.
            mask_boxes: (N, 4) or (4,) mask boxes (x0, y0, x1, y1) in pixels of ``mask_frames`` (or of
                ``image``), from Face Mesh points 127/151/152/356; default :data:`eatface.mask.DEFAULT_BOX`.
            num_inference_steps: sampling steps (default: the preset's).
            sampling: ``parallel`` (shared z_T, frames in batches) or ``progressive`` (frame by frame).
            batch_size: frames per UNet call in parallel mode.
            generator: the random source of the initial noise.
            latents: (N, 4, h, w) or (1, 4, h, w) initial noise, overriding step 5.
            conditioning_scale: ControlNet residual multiplier.
            interpolation: ``auto``, ``learned``, ``blend`` or ``none`` (step 8).
            interpolation_weight: w of the smoothing.
            callback: called as callback(frames_done, frames_total) after each batch.

        Returns:
            :class:`EATFacePipelineOutput` with (N, H, W, 3) uint8 frames.
        """
        # 1. Check inputs
        samples, weights = self.check_inputs(image, audio, emotion, sampling, batch_size, intensity, intensity_mode)
        steps = num_inference_steps or self.config.num_inference_steps
        device = self._execution_device
        size = self.resolution
        n = max(1, round(samples.size / SAMPLE_RATE * FPS))  # frames at 25 fps
        dtype = self.unet.dtype

        # 2. Audio condition c_a (Sec. III-C-1)
        feats = audio_features(self.audio_encoder, samples)  # (S, D_w)
        windows = audio_windows(feats, n)  # (N, 3, D_w)
        text = None
        if self.ablation.text_token:  # w/o-FEC: E_CT(e) as one more token, blended and scaled in text space
            text = mixed_condition(self.text_embeds, weights, intensity)  # (1, P)
        c_a = self.audio_tokens(windows, None if text is None else text.expand(n, -1)).to(device, dtype)

        # 3. Visual conditions c_v = {z_m, z_r} (Sec. III-C-2, III-C-3)
        x_r = to_model_images(image, size).to(device)  # (1, 3, H, W)
        src_h = image.size[1] if hasattr(image, "convert") else np.asarray(image).shape[-3]  # pixel rows of x_r
        if mask_frames is not None:
            src_h = np.asarray(mask_frames).shape[1]
            x_src = to_model_images(mask_frames, size).to(device)
            if x_src.shape[0] != n:  # the source video may be a frame longer or shorter than the audio
                x_src = x_src[torch.linspace(0, x_src.shape[0] - 1, n).round().long()]
        else:
            x_src = x_r.expand(n, -1, -1, -1)
        if mask_boxes is None:
            boxes = default_boxes(n, size)
        else:
            boxes = torch.as_tensor(np.asarray(mask_boxes), dtype=torch.float32).reshape(-1, 4) * (size / src_h)
            if boxes.shape[0] != n:
                boxes = boxes[torch.linspace(0, boxes.shape[0] - 1, n).round().long()]
        z_m = self.encode_images(masked_image(x_src, boxes)).to(dtype)  # (N, 4, h, w)
        z_r = self.encode_images(x_r).to(dtype)  # (1, 4, h, w)

        # 4. Emotion condition c_e (Sec. III-D): (1, 4, h, w) or None
        c_e = self.emotion_map(weights, x_r, intensity, intensity_mode) if self.ablation.controlnet else None
        if c_e is not None:
            c_e = c_e.to(device, dtype)
            if intensity_mode == "residual":
                conditioning_scale = conditioning_scale * intensity

        # 5. Initial noise: one shared z_T (parallel) or one per frame (progressive)
        shape = (self.unet.config.out_channels, self.unet.config.sample_size, self.unet.config.sample_size)
        if latents is None:
            count = 1 if sampling == "parallel" else n
            latents = torch.randn((count, *shape), generator=generator, device="cpu", dtype=torch.float32)
        if latents.shape[1:] != shape or latents.shape[0] not in (1, n):
            raise EATFaceError(
                f"latents must have shape (1 or {n}, {', '.join(map(str, shape))}), got {tuple(latents.shape)}"
            )
        z_T = latents.to(device, dtype).expand(n, *shape)

        # 6. Denoising loop: all frames of a batch go through the UNet together
        chunk = batch_size if sampling == "parallel" else 1
        out = []
        for k in range(0, n, chunk):
            sl = slice(k, min(k + chunk, n))
            m = sl.stop - sl.start
            out.append(
                self._denoise(
                    z_T[sl].contiguous(),
                    z_m[sl],
                    z_r.expand(m, -1, -1, -1),
                    c_a[sl],
                    None if c_e is None else c_e.expand(m, -1, -1, -1),
                    steps,
                    conditioning_scale,
                    generator,
                )
            )
            if callback is not None:
                callback(sl.stop, n)
        z_0 = torch.cat(out)

        # 7. Decode
        x = self.decode_latents(z_0)  # (N, 3, H, W) in [-1, 1]

        # 8. Inter-frame smoothing by frame interpolation (post-processing)
        x = smooth_frames(x, interpolation, self.interpolator, interpolation_weight)

        frames = to_uint8_frames(x)
        self.maybe_free_model_hooks()
        if not return_dict:
            return (frames,)
        return EATFacePipelineOutput(frames=frames)
