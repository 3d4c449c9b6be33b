"""A fixed log-mel audio front end: the tiny preset's stand-in for wav2vec 2.0 (W of Sec. III-C-1).

The paper's W is a pretrained wav2vec 2.0, which cannot be downloaded where the tiny preset is
trained; a randomly initialised, frozen wav2vec carries little phonetic information. This module
needs no training and no download: it turns a 16 kHz signal into S = 50 feature vectors per second,
like wav2vec's last hidden state, so the window of 3 and F_a (:mod:`eatface.audio`) are unchanged.

1. Power spectrogram: 25 ms Hann windows every 10 ms (frame j centred at 10 j ms), 512-point FFT.
2. Mel filterbank (HTK mel scale, ``f_min``-``f_max``), natural log.
3. Dynamic range: values more than ``top_db`` below the utterance's loudest bin are raised to that
   floor, so digital silence and a recording's noise floor look alike.
4. Per-utterance normalisation: every mel band to zero mean and unit variance over the utterance
   (cepstral mean and variance normalisation; the deviation is floored at 0.1), so the input gain and a
   fixed channel colouring drop out.
5. Feature s (centred at (s + ½) / 50 s) stacks the mel frames at its centre ± k · ``context_step``
   frames, k = 0..``context``: D = ``n_mels`` · (2 ``context`` + 1).

Example:
    >>> import numpy as np
    >>> enc = LogMelEncoder(n_mels=8, context=1, context_step=1)
    >>> enc.features(np.random.default_rng(0).normal(0, 0.1, 16000)).shape
    torch.Size([50, 24])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from diffusers.configuration_utils import ConfigMixin, register_to_config
from diffusers.models.modeling_utils import ModelMixin


def mel_filterbank(n_mels: int, n_fft: int, sample_rate: int, f_min: float, f_max: float) -> torch.Tensor:
    """(n_mels, n_fft // 2 + 1) triangular filters equally spaced on the HTK mel scale."""

    def hz_to_mel(f: float | np.ndarray) -> float | np.ndarray:
        return 2595.0 * np.log10(1.0 + np.asarray(f) / 700.0)

    def mel_to_hz(m: np.ndarray) -> np.ndarray:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)

    edges = mel_to_hz(np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))
    freqs = np.linspace(0.0, sample_rate / 2, n_fft // 2 + 1)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    fb = np.maximum(0.0, np.minimum((freqs - lower) / (centre - lower), (upper - freqs) / (upper - centre)))
    return torch.from_numpy(fb.astype(np.float32))


@dataclass
class LogMelOutput:
    """Mirrors the ``last_hidden_state`` field of a transformers model output: (1, S, D)."""

    last_hidden_state: torch.Tensor


class LogMelEncoder(ModelMixin, ConfigMixin):
    """Log-mel features with per-utterance normalisation and a stacked context, at 50 frames per second.

    It has no trainable weights (its one tensor, the filterbank, follows from the config), so it is
    frozen by construction; it is saved and loaded like any pipeline component.

    Args:
        sample_rate: input rate (16 kHz, as for wav2vec).
        n_fft, win_length, hop_length: the STFT (512, 25 ms, 10 ms).
        n_mels, f_min, f_max: the mel filterbank.
        top_db: dynamic range kept below the loudest bin.
        context, context_step: mel frames stacked per feature (±context · context_step · 10 ms).
        frame_rate: features per second (50, wav2vec's rate).
    """

    @register_to_config
    def __init__(
        self,
        sample_rate: int = 16000,
        n_fft: int = 512,
        win_length: int = 400,
        hop_length: int = 160,
        n_mels: int = 40,
        f_min: float = 50.0,
        f_max: float = 8000.0,
        top_db: float = 60.0,
        context: int = 4,
        context_step: int = 2,
        frame_rate: int = 50,
    ) -> None:
        super().__init__()
        # Saved with the component (it is its only tensor), although the config alone rebuilds it.
        self.register_buffer("filterbank", mel_filterbank(n_mels, n_fft, sample_rate, f_min, f_max))
        self.register_buffer("window", torch.hann_window(win_length), persistent=False)

    @property
    def hidden_size(self) -> int:
        """D, the size of one feature vector."""
        return self.config.n_mels * (2 * self.config.context + 1)

    def log_mel(self, samples: torch.Tensor) -> torch.Tensor:
        """Steps 1-4 for a 1-D signal: (T, n_mels) normalised log-mel frames, frame j centred at j hops."""
        cfg = self.config
        x = samples.to(self.filterbank.device, torch.float32).flatten()
        pad = cfg.win_length // 2
        if x.numel() <= pad:  # reflect padding needs more samples than it adds
            x = torch.nn.functional.pad(x, (0, pad + 1 - x.numel()))
        x = torch.nn.functional.pad(x[None, None], (pad, pad), mode="reflect")[0, 0]
        spec = torch.stft(x, cfg.n_fft, cfg.hop_length, cfg.win_length, self.window, center=False, return_complex=True)
        mel = self.filterbank @ spec.abs().square()  # (n_mels, T)
        log_mel = torch.log(mel.clamp_min(1e-10))
        log_mel = log_mel.clamp_min(log_mel.max() - cfg.top_db * math.log(10.0) / 10.0)
        # A band that sits at the floor has a standard deviation of rounding error only: floor it (0.1 nepers,
        # about 0.4 dB) so that rounding is not blown up into features.
        std = log_mel.std(1, unbiased=False, keepdim=True).clamp_min(0.1)
        log_mel = (log_mel - log_mel.mean(1, keepdim=True)) / std
        return log_mel.T  # (T, n_mels)

    @torch.no_grad()
    def features(self, samples: np.ndarray | torch.Tensor) -> torch.Tensor:
        """A = W(A_r) for one 16 kHz mono signal: (S, D), S = round(50 · duration)."""
        cfg = self.config
        x = torch.as_tensor(np.asarray(samples, dtype=np.float32)).flatten()
        frames = self.log_mel(x)  # (T, n_mels)
        num = max(1, round(x.numel() / cfg.sample_rate * cfg.frame_rate))
        hops_per_second = cfg.sample_rate / cfg.hop_length
        centres = torch.round((torch.arange(num) + 0.5) / cfg.frame_rate * hops_per_second).long()
        offsets = torch.arange(-cfg.context, cfg.context + 1) * cfg.context_step
        index = (centres[:, None] + offsets[None]).clamp(0, frames.shape[0] - 1).to(frames.device)
        return frames[index].reshape(num, -1)  # (S, (2 context + 1) n_mels)

    def forward(self, input_values: torch.Tensor) -> LogMelOutput:
        """(1, T) samples → ``last_hidden_state`` (1, S, D), the interface of a wav2vec model."""
        if input_values.ndim != 2 or input_values.shape[0] != 1:
            raise ValueError(f"input_values must be (1, T), got {tuple(input_values.shape)}")
        return LogMelOutput(self.features(input_values[0])[None])
