"""Build an EAT-Face pipeline from a preset: frozen towers, trainable networks, scheduler.

Frozen towers come from a hub id or local folder (``paper``) or are built from a config dict with
a fixed seed (``tiny``: random, frozen CLIP towers, which still give fixed, distinct embeddings for
each emotion word and each face; its audio front end is the fixed log-mel encoder). Nothing is downloaded unless the environment allows
it; a missing tower is one :class:`EATFaceError` line saying what to do.

Example:
    >>> from eatface.configuration import get_preset
    >>> pipe = build_pipeline(get_preset("tiny"))
    >>> pipe.controlnet is None  # created from the trained UNet by the controlnet stage
    True
"""

from __future__ import annotations

import json
from typing import Any

import torch

from eatface.configuration import EATFaceConfig
from eatface.errors import EATFaceError

# The emotion prompts are "<emotion> emotion" (Sec. IV-A-2); the tiny tokenizer knows these words only.
TINY_WORDS = ("angry", "contempt", "disgusted", "fear", "happy", "neutral", "sad", "surprised", "emotion")


def _pretrained(cls: Any, source: str, what: str, **kwargs: Any) -> Any:
    try:
        return cls.from_pretrained(source, **kwargs)
    except (OSError, ValueError) as err:
        raise EATFaceError(
            f"{what}: cannot load {source!r} ({type(err).__name__}); put the model in a local folder and pass "
            f"its path, or allow downloads (unset HF_HUB_OFFLINE)"
        ) from None


def tiny_tokenizer(vocab_words: tuple[str, ...] = TINY_WORDS, max_length: int = 16) -> Any:
    """A word-level tokenizer for the tiny CLIP: ids 0 = bos, 1 = eos = pad, 2 = unk, then the words."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1, "<unk>": 2}
    vocab.update({w: 3 + k for k, w in enumerate(vocab_words)})
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="<|startoftext|> $A <|endoftext|>", special_tokens=[("<|startoftext|>", 0), ("<|endoftext|>", 1)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|startoftext|>",
        eos_token="<|endoftext|>",
        pad_token="<|endoftext|>",
        unk_token="<unk>",
        model_max_length=max_length,
    )


def build_vae(config: EATFaceConfig) -> Any:
    from diffusers import AutoencoderKL

    if isinstance(config.vae, str):
        return _pretrained(AutoencoderKL, config.vae, "--preset vae")
    torch.manual_seed(config.seed)
    return AutoencoderKL(**config.vae)


def build_clip(config: EATFaceConfig) -> tuple[Any, Any]:
    """The frozen CLIP model (image + text towers) and its tokenizer."""
    from transformers import CLIPConfig, CLIPModel, CLIPTokenizer

    if isinstance(config.clip, str):
        return (
            _pretrained(CLIPModel, config.clip, "--preset clip"),
            _pretrained(CLIPTokenizer, config.clip, "--preset clip tokenizer"),
        )
    torch.manual_seed(config.seed + 1)
    clip = CLIPModel(CLIPConfig(**json.loads(json.dumps(config.clip))))
    return clip.eval().requires_grad_(False), tiny_tokenizer(
        max_length=config.clip["text_config"]["max_position_embeddings"]
    )


def build_audio_encoder(config: EATFaceConfig) -> Any:
    """W: the frozen wav2vec 2.0 model (``paper``), or the fixed log-mel front end (``tiny``)."""
    if config.log_mel is not None:
        from eatface.log_mel import LogMelEncoder

        return LogMelEncoder(**config.log_mel).eval().requires_grad_(False)
    from transformers import Wav2Vec2Config, Wav2Vec2Model

    if isinstance(config.wav2vec, str):
        model = _pretrained(Wav2Vec2Model, config.wav2vec, "--preset wav2vec")
    else:
        torch.manual_seed(config.seed + 2)
        model = Wav2Vec2Model(Wav2Vec2Config(**config.wav2vec))
    return model.eval().requires_grad_(False)


def build_pipeline(config: EATFaceConfig) -> Any:
    """A fresh, untrained pipeline for ``config`` (the ControlNet is added by the controlnet stage)."""
    from diffusers import DDIMScheduler

    from eatface.audio import AudioProjector, feature_size
    from eatface.eve import EmotionVisualEmbedding
    from eatface.pipeline_eatface import EATFacePipeline
    from eatface.unet import build_unet
    from eatface.variants import get_ablation

    ablation = get_ablation(config.ablation)
    vae = build_vae(config)
    if vae.config.sample_size != config.resolution and not isinstance(config.vae, str):
        raise EATFaceError(f"vae sample_size {vae.config.sample_size} differs from resolution {config.resolution}")
    clip, tokenizer = build_clip(config) if ablation.uses_clip else (None, None)
    audio_encoder = build_audio_encoder(config)
    embed_dim = clip.config.projection_dim if clip is not None else None
    torch.manual_seed(config.seed + 3)
    audio_projector = AudioProjector(
        in_dim=feature_size(audio_encoder),
        hidden_dim=config.audio_hidden,
        out_dim=config.cross_attention_dim,
        emotion_dim=embed_dim if ablation.text_token else None,
    )
    eve = None
    if ablation.eve:
        torch.manual_seed(config.seed + 4)
        eve = EmotionVisualEmbedding(
            embed_dim=embed_dim,
            out_dim=config.latent_size**2,
            channels=config.adapter_channels,
            num_blocks=config.adapter_blocks,
            hidden_dim=config.adapter_hidden,
            alpha=config.alpha,
        )
    pipe = EATFacePipeline(
        vae=vae,
        unet=build_unet(config),
        audio_projector=audio_projector,
        audio_encoder=audio_encoder,
        scheduler=DDIMScheduler(**config.scheduler),
        controlnet=None,
        eve=eve,
        clip=clip,
        tokenizer=tokenizer,
        interpolator=None,
        ablation=ablation.name,
        num_inference_steps=config.num_inference_steps,
    )
    for module in pipe.components.values():  # sampling mode, as after from_pretrained; stages call .train()
        if isinstance(module, torch.nn.Module):
            module.eval()
    return pipe
