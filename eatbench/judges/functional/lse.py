"""LSE-D and LSE-C: the syncnet_python ``evaluate`` algorithm on arrays (metrics-protocols.md §1.2).

Per video:

1. frames: BGR uint8, resized to 224×224 with ``cv2.resize`` (INTER_LINEAR) — the Wav2Lip "LRS"
   protocol on already aligned crops — fed as float 0..255 without normalisation;
2. audio: int16 samples at 16 kHz -> MFCC (python_speech_features definition) -> ``(13, M)``;
3. ``min_length = min(T, floor(len(audio) / 640))``; ``N = min_length - 5`` windows (one fewer than
   possible, as the reference); window v = frames v..v+4 and MFCC columns 4v..4v+19;
4. lip and audio features (1024-d, not normalised) of every window;
5. ``dists[i, j] = ‖v_i − a_{i+j−vshift} + 1e-6‖₂`` with zero audio features outside the clip
   (``calc_pdist``), j = 0..2·vshift;
6. ``mdist = mean_i dists``; **LSE-D = min(mdist)**, **LSE-C = median(mdist) − min(mdist)** (lower
   median), **offset = vshift − argmin** (first minimum).

Example:
    >>> d = torch.tensor([[3.0, 1.0, 2.0]])
    >>> lse_from_distances(d, vshift=1)
    LSEResult(lse_d=1.0, lse_c=1.0, offset=0, n_windows=1)
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import torch
import torch.nn.functional as F

from eatbench.errors import InputError
from eatbench.judges.functional.mfcc import mfcc

SAMPLES_PER_FRAME = 640  # 16000 Hz / 25 fps
SYNCNET_SIZE = 224


@dataclass(frozen=True)
class LSEResult:
    lse_d: float  # "Min dist"
    lse_c: float  # "Confidence"
    offset: int  # AV offset in frames (positive: audio leads)
    n_windows: int


def syncnet_frames(frames_rgb: np.ndarray, size: int = SYNCNET_SIZE) -> np.ndarray:
    """``(T, H, W, 3)`` uint8 RGB -> ``(T, size, size, 3)`` uint8 BGR via ``cv2.resize`` INTER_LINEAR."""
    if frames_rgb.ndim != 4 or frames_rgb.shape[-1] != 3 or frames_rgb.dtype != np.uint8:
        raise InputError(f"frames must be (T, H, W, 3) uint8, got {frames_rgb.shape} {frames_rgb.dtype}")
    out = np.empty((len(frames_rgb), size, size, 3), dtype=np.uint8)
    for t, frame in enumerate(frames_rgb):
        bgr = np.ascontiguousarray(frame[:, :, ::-1])
        out[t] = bgr if bgr.shape[:2] == (size, size) else cv2.resize(bgr, (size, size), interpolation=cv2.INTER_LINEAR)
    return out


def sync_distances(im_feat: torch.Tensor, cc_feat: torch.Tensor, vshift: int = 15) -> torch.Tensor:
    """``calc_pdist``: ``(N, D)`` lip and audio features -> ``(N, 2·vshift + 1)`` distances."""
    n = im_feat.shape[0]
    padded = F.pad(cc_feat, (0, 0, vshift, vshift))  # (N + 2·vshift, D), zero rows outside the clip
    idx = torch.arange(n)[:, None] + torch.arange(2 * vshift + 1)[None, :]  # (N, W)
    # pairwise_distance(x, y) = ‖x − y + eps‖₂ with eps = 1e-6 added to every element of the difference.
    return torch.linalg.vector_norm(im_feat[:, None, :] - padded[idx] + 1e-6, dim=-1)


def lse_from_distances(dists: torch.Tensor, vshift: int = 15) -> LSEResult:
    """LSE-D, LSE-C and the offset from the ``(N, 2·vshift + 1)`` distance matrix."""
    mdist = dists.mean(dim=0)  # (2·vshift + 1,)
    minval, minidx = torch.min(mdist, 0)
    conf = torch.median(mdist) - minval  # torch.median: the lower middle value
    return LSEResult(float(minval), float(conf), int(vshift - minidx), int(dists.shape[0]))


@torch.no_grad()
def syncnet_features(
    net: torch.nn.Module, frames_bgr: np.ndarray, audio_int16: np.ndarray, batch_size: int = 20
) -> tuple[torch.Tensor, torch.Tensor]:
    """Lip and audio features ``(N, D)`` of every 5-frame window (steps 2-4 above).

    The windows of a batch share one temporal convolution over ``batch_size + 4`` frames
    (:meth:`~eatbench.judges.syncnet.SyncNetS.forward_lip_sequence`), so no frame is copied five times.
    """
    if audio_int16.dtype != np.int16:
        raise InputError(f"audio must be int16 samples (float audio shifts MFCC c0), got {audio_int16.dtype}")
    cc = torch.from_numpy(mfcc(audio_int16, 16000).T.astype(np.float32))  # (13, M)
    min_length = min(len(frames_bgr), len(audio_int16) // SAMPLES_PER_FRAME)
    n = min_length - 5
    if n < 1:
        raise InputError(
            f"clip too short for SyncNet: {len(frames_bgr)} frames and {len(audio_int16) / 16000:.2f} s of audio "
            "give no 5-frame window (need at least 6 frames)"
        )
    video = torch.from_numpy(frames_bgr[: n + 4]).permute(3, 0, 1, 2).float()  # (3, T, H, W)
    aud_windows = cc.unfold(1, 20, 4)[:, :n].permute(1, 0, 2).unsqueeze(1)  # (N, 1, 13, 20)
    im_feat, cc_feat = [], []
    for s in range(0, n, batch_size):
        e = min(n, s + batch_size)
        im_feat.append(net.forward_lip_sequence(video[None, :, s : e + 4]))
        cc_feat.append(net.forward_aud(aud_windows[s:e]))
    return torch.cat(im_feat), torch.cat(cc_feat)


def lse(
    net: torch.nn.Module, frames_rgb: np.ndarray, audio_int16: np.ndarray, vshift: int = 15, batch_size: int = 20
) -> LSEResult:
    """LSE-D/LSE-C of one video: RGB uint8 frames at 25 fps and its int16 16 kHz audio."""
    im_feat, cc_feat = syncnet_features(net, syncnet_frames(frames_rgb), audio_int16, batch_size)
    return lse_from_distances(sync_distances(im_feat, cc_feat, vshift), vshift)
