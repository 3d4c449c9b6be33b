"""What the HTML report shows besides numbers: browser previews, reference frames, waveforms, curves.

- :func:`preview`: a stored (lossless FFV1) video as a small H.264/AAC MP4 that every browser plays,
  cached under ``$EATBENCH_HOME/previews/`` by the video's content hash and the preview settings, so a
  second report re-encodes nothing. Budget: :data:`PREVIEW_SIZE` pixels square at CRF
  :data:`PREVIEW_CRF`, which keeps a 3 s clip near 30 KB (AAC audio is most of it).
- :func:`png_bytes`: a frame as PNG (the reference frame of a clip page).
- :func:`waveform_svg` and :func:`curves_svg`: inline SVG plots with a playhead line the page's
  script moves with the videos.
- :func:`mouth_opening`: the inner-lip gap over the iris distance per frame, from the landmarks the
  preprocessing cache stores (the reference-frame rule's measure, :mod:`eatbench.preprocess.prepare`).
- :func:`frame_psnr`: per-frame PSNR of a generated video against the prepared ground truth, paired
  and computed exactly as the PSNR metric pairs and computes them (its state keeps only sums).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import logging
from pathlib import Path

import numpy as np

from eatbench.paths import atomic_path, eatbench_home

log = logging.getLogger(__name__)

PREVIEW_SIZE = 128
PREVIEW_CRF = 30
PREVIEW_VERSION = "1"  # bump when the preview encoding changes (part of the cache key)


def preview(
    video: Path, video_hash: str, size: int = PREVIEW_SIZE, cache: Path | None = None, crf: int = PREVIEW_CRF
) -> Path:
    """The cached H.264 preview of ``video`` (made on first use).

    Args:
        video: the stored generated video (any container PyAV reads).
        video_hash: its sha256 (the store's ``video_hash``): the cache key, so an edited file never
            hides behind an old preview.
        size: the preview's width and height in pixels (even).
        crf: x264's constant rate factor (lower is better and bigger; the study uses 18).
        cache: the cache folder (default ``$EATBENCH_HOME/previews``).

    Returns:
        The preview's path.
    """
    from eatbench.errors import InputError
    from eatbench.io import read_audio, read_video, write_video

    cache = cache or eatbench_home() / "previews"
    key = hashlib.sha256(f"{video_hash}|{size}|{crf}|{PREVIEW_VERSION}".encode()).hexdigest()[:24]
    out = cache / f"{key}.mp4"
    if out.is_file():
        return out
    frames = read_video(video).frames
    if frames.shape[1:3] != (size, size):
        frames = _resize(frames, size)
    try:
        audio = read_audio(video)
    except InputError:
        audio = None  # a video without a track still previews, silently
    # One encoder thread: libx264's output depends on its thread count, so previews are reproducible.
    write_video(out, frames, audio=audio, lossless=False, codec_options={"crf": str(crf), "threads": "1"})
    return out


def _resize(frames: np.ndarray, size: int) -> np.ndarray:
    import cv2

    return np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_AREA) for f in frames])


def png_bytes(frame: np.ndarray) -> bytes:
    """A (H, W, 3) uint8 RGB frame as PNG."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(frame, np.uint8)).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


# ------------------------------------------------------------------------------------------ curves


def mouth_opening(landmarks: np.ndarray) -> np.ndarray:
    """Inner-lip gap (Face Mesh 13-14) over the iris distance (468-473) per frame; NaN without a face.

    Args:
        landmarks: ``(T, 478, 2)`` Face Mesh points in pixels.

    Returns:
        ``(T,)`` float64.
    """
    lm = np.asarray(landmarks, np.float64)
    gap = np.linalg.norm(lm[:, 13] - lm[:, 14], axis=-1)
    iris = np.linalg.norm(lm[:, 468] - lm[:, 473], axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return gap / iris


def frame_psnr(gen: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """Per-frame PSNR (dB) of generated vs ground-truth frames, paired as the PSNR metric pairs them."""
    from eatbench.metrics.base import Sample
    from eatbench.metrics.functional.psnr import psnr
    from eatbench.metrics.shared import aligned_frames

    g, t = aligned_frames(Sample(gen=gen, gt=gt))
    return np.asarray(psnr(g, t), np.float64)


def waveform_svg(samples: np.ndarray, width: int = 600, height: int = 60) -> str:
    """The audio as a min/max envelope, one column per pixel, with a playhead line."""
    x = np.asarray(samples, np.float64)
    cols = max(1, min(width, len(x)))
    edges = np.linspace(0, len(x), cols + 1).astype(int)
    lo = np.array([x[a:b].min() if b > a else 0.0 for a, b in itertools.pairwise(edges)])
    hi = np.array([x[a:b].max() if b > a else 0.0 for a, b in itertools.pairwise(edges)])
    peak = max(float(np.abs(x).max()) if len(x) else 0.0, 1e-6)
    mid = height / 2
    xs = np.arange(cols) * width / cols
    d = " ".join(
        f"M{px:.1f},{mid - h / peak * mid:.1f}V{mid - lo_ / peak * mid:.1f}"
        for px, h, lo_ in zip(xs, hi, lo, strict=True)
    )
    return (
        f'<svg class="plot wave" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'preserveAspectRatio="none" role="img" aria-label="waveform">'
        f'<path d="{d}" stroke="#2b6cb0" stroke-width="1" fill="none"/>'
        f'<line class="playhead" x1="0" x2="0" y1="0" y2="{height}"/></svg>'
    )


CURVE_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")


def curves_svg(curves: dict[str, np.ndarray], duration: float, unit: str, width: int = 600, height: int = 140) -> str:
    """Several per-frame curves over time on one axis, with a playhead (the legend is the page's:
    curve ``i`` is drawn in ``CURVE_COLORS[i]``).

    Args:
        curves: name -> ``(T,)`` values (NaN breaks the line).
        duration: seconds the x axis spans (the clip's length).
        unit: the y axis label.
    """
    finite = np.concatenate([np.asarray(v, np.float64)[np.isfinite(v)] for v in curves.values()] or [np.zeros(1)])
    if finite.size == 0:
        finite = np.zeros(1)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad_top, pad_bottom = 6, 16
    span = height - pad_top - pad_bottom

    def y(v: float) -> float:
        return pad_top + (hi - v) / (hi - lo) * span

    parts = [
        f'<svg class="plot curves" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="{unit} per frame">',
        f'<text x="2" y="{pad_top + 8}" class="axis">{hi:.3g}</text>',
        f'<text x="2" y="{height - pad_bottom}" class="axis">{lo:.3g}</text>',
        f'<text x="{width - 2}" y="{height - 3}" class="axis" text-anchor="end">{unit} · {duration:.2f} s</text>',
    ]
    for i, (name, values) in enumerate(curves.items()):
        v = np.asarray(values, np.float64)
        n = len(v)
        color = CURVE_COLORS[i % len(CURVE_COLORS)]
        segs, pen = [], "M"
        for j, val in enumerate(v):
            if not np.isfinite(val):
                pen = "M"
                continue
            segs.append(f"{pen}{(j + 0.5) / max(n, 1) * width:.1f},{y(float(val)):.1f}")
            pen = "L"
        parts.append(
            f'<path d="{" ".join(segs)}" stroke="{color}" stroke-width="1.5" fill="none"><title>{_esc(name)}</title></path>'
        )
    parts.append(f'<line class="playhead" x1="0" x2="0" y1="0" y2="{height - pad_bottom}"/></svg>')
    return "".join(parts)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
