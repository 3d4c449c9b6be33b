"""The audio condition of the TFR (Sec. III-C-1): wav2vec 2.0 features, the window of 3, and F_a.

For a raw audio A_r the frozen wav2vec 2.0 model W gives A = W(A_r) = [a_0; ...; a_{S-1}] ∈ R^{S×D}
(the ``tiny`` preset's W is the fixed log-mel front end of :mod:`eatface.log_mel`, same rate and shape).
Frame i of N (1-based) gets the window [a_{u-1}; a_u; a_{u+1}] with u = ⌊S(i-1)/N⌋, zero-padded
where u-1 < 0 or u+1 > S-1. F_a (1-D convolutions, then an MLP) maps each window to the
cross-attention tokens c_a that replace the text prompt of latent diffusion.

Example:
    >>> import torch
    >>> A = torch.arange(4.0).view(4, 1)  # S=4, D=1
    >>> audio_windows(A, 2)[:, :, 0].tolist()  # u = 0, 2
    [[0.0, 0.0, 1.0], [1.0, 2.0, 3.0]]
"""

from __future__ import annotations

import numpy as np
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin
from torch import nn

WAV2VEC_SAMPLE_RATE = 16000


def window_centres(num_audio: int, num_frames: int) -> torch.Tensor:
    """u_i = ⌊S(i-1)/N⌋ for i = 1..N, as a (N,) long tensor (Sec. III-C-1)."""
    i = torch.arange(1, num_frames + 1)
    return torch.div(num_audio * (i - 1), num_frames, rounding_mode="floor")


def audio_windows(features: torch.Tensor, num_frames: int) -> torch.Tensor:
    """Cut the window [a_{u-1}; a_u; a_{u+1}] of every frame out of the wav2vec features.

    Args:
        features: A, shape (S, D).
        num_frames: N, the number of video frames the audio spans.

    Returns:
        (N, 3, D) windows, zeros where the window leaves [0, S-1].
    """
    if features.ndim != 2:
        raise ValueError(f"features must be (S, D), got shape {tuple(features.shape)}")
    if num_frames < 1:
        raise ValueError(f"num_frames must be >= 1, got {num_frames}")
    s, d = features.shape
    padded = torch.cat([features.new_zeros(1, d), features, features.new_zeros(1, d)])  # (S+2, D)
    u = window_centres(s, num_frames).to(features.device)  # (N,), index u in A is u+1 in padded
    index = u[:, None] + torch.arange(3, device=features.device)[None]  # (N, 3): u-1, u, u+1 shifted by 1
    return padded[index]  # (N, 3, D)


@torch.no_grad()
def wav2vec_features(audio_encoder: nn.Module, samples: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A = W(A_r): the last hidden state of a frozen wav2vec 2.0 model for one 16 kHz mono signal.

    The signal is normalised to zero mean and unit variance first, as ``Wav2Vec2FeatureExtractor``
    does for wav2vec 2.0 base (``do_normalize=True``).

    Returns:
        (S, D) features, S ≈ 50 per second.
    """
    x = torch.as_tensor(np.asarray(samples, dtype=np.float32)).flatten()
    x = (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)
    param = next(audio_encoder.parameters())
    # The paper says "phoneme feature" from wav2vec; which layer is not given: we take the last hidden state.
    out = audio_encoder(x[None].to(param.device, param.dtype)).last_hidden_state
    return out[0].float()  # (S, D)


def audio_features(audio_encoder: nn.Module, samples: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A = W(A_r), (S, D), for either front end: a wav2vec 2.0 model or a :class:`LogMelEncoder`."""
    from eatface.log_mel import LogMelEncoder

    if isinstance(audio_encoder, LogMelEncoder):
        return audio_encoder.features(samples)
    return wav2vec_features(audio_encoder, samples)


def feature_size(audio_encoder: nn.Module) -> int:
    """D of the front end's features."""
    from eatface.log_mel import LogMelEncoder

    if isinstance(audio_encoder, LogMelEncoder):
        return audio_encoder.hidden_size
    return int(audio_encoder.config.hidden_size)


class AudioProjector(ModelMixin, ConfigMixin):
    """F_a: 1-D convolutions over the window, then an MLP, giving c_a = 3 tokens of size D per frame.

    With ``emotion_dim`` set (the w/o-FEC variant) a linear layer maps the CLIP text embedding
    E_CT(e) to one more token, concatenated after the audio tokens ("concatenated with audio signal
    as the hidden state condition", Sec. IV-E).

    Example:
        >>> f_a = AudioProjector(in_dim=8, hidden_dim=16, out_dim=32)
        >>> f_a(torch.zeros(5, 3, 8)).shape
        torch.Size([5, 3, 32])
    """

    @register_to_config
    def __init__(
        self,
        in_dim: int = 768,
        hidden_dim: int = 512,
        out_dim: int = 768,
        num_convs: int = 2,
        emotion_dim: int | None = None,
    ) -> None:
        super().__init__()
        # The paper gives only "1D-convolution layers and MLP". Our reading: the wav2vec dimension is the
        # channel axis and the 3-window the length axis; kernel 3 with padding keeps the 3 positions, so
        # the output is one token per window position.
        convs: list[nn.Module] = []
        for k in range(num_convs):
            convs += [nn.Conv1d(in_dim if k == 0 else hidden_dim, hidden_dim, kernel_size=3, padding=1), nn.SiLU()]
        self.convs = nn.Sequential(*convs)
        self.mlp = nn.Sequential(nn.Linear(hidden_dim, out_dim), nn.SiLU(), nn.Linear(out_dim, out_dim))
        self.emotion_proj = nn.Linear(emotion_dim, out_dim) if emotion_dim else None

    def forward(self, windows: torch.Tensor, emotion_embeds: torch.Tensor | None = None) -> torch.Tensor:
        """Map windows (B, 3, D_w) to c_a (B, 3, D); with E_CT(e) (B, P) given, (B, 4, D)."""
        h = self.convs(windows.transpose(1, 2)).transpose(1, 2)  # (B, 3, hidden)
        c_a = self.mlp(h)  # (B, 3, D)
        if self.emotion_proj is not None:
            if emotion_embeds is None:
                raise ValueError("this F_a was built with an emotion token (w/o-FEC): pass emotion_embeds")
            c_a = torch.cat([c_a, self.emotion_proj(emotion_embeds)[:, None]], dim=1)  # (B, 4, D)
        return c_a
