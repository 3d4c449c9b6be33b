"""ArcFace identity embeddings for CSIM: insightface ``norm_crop`` alignment, the ONNX runtime path, and
an IResNet torch twin (Deng et al. 2019; metrics-protocols.md §3).

1. Alignment: the five points (eyes, nose tip, mouth corners) are mapped onto insightface's
   ``arcface_dst`` 112×112 template by a least-squares similarity (Umeyama 1991, through
   ``skimage.transform.SimilarityTransform`` as insightface does), then ``cv2.warpAffine``
   (bilinear, border 0).
2. Embedding: :class:`ArcFaceOnnx` runs ``w600k_r50.onnx`` with the preprocessing of insightface's
   ``ArcFaceONNX.get_feat`` — RGB, ``(x − 127.5) / 127.5`` (or mean 0 / std 1 for old MXNet exports,
   detected from the first graph nodes exactly as insightface does), NCHW float32 — batched.
3. :class:`IResNet` is the arcface_torch backbone (IResNet-50 by default), used to build random-weight
   ONNX files in tests and, narrower, as the demo identity judge (:class:`ArcFaceTorch`).

Crops here are RGB (insightface feeds BGR to ``blobFromImages(swapRB=True)``: the same tensor).

Example:
    >>> five = ARCFACE_DST.copy()  # a face already in template position
    >>> np.allclose(estimate_norm(five), [[1, 0, 0], [0, 1, 0]], atol=1e-6)
    True
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
import torch
from torch import nn

from eatbench.errors import InputError

ARCFACE_DST = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float32,
)


# 1. Alignment ---------------------------------------------------------------------------------------


def estimate_norm(lmk: np.ndarray, image_size: int = 112) -> np.ndarray:
    """The ``(2, 3)`` affine matrix of insightface's ``estimate_norm`` (arcface mode)."""
    if lmk.shape != (5, 2):
        raise ValueError(f"need 5 landmarks (5, 2), got {lmk.shape}")
    if image_size % 112 == 0:
        ratio, diff_x = image_size / 112.0, 0.0
    elif image_size % 128 == 0:
        ratio = image_size / 128.0
        diff_x = 8.0 * ratio
    else:
        raise ValueError(f"image_size must be a multiple of 112 or 128, got {image_size}")
    dst = ARCFACE_DST * ratio
    dst[:, 0] += diff_x
    from skimage.transform import SimilarityTransform

    # Umeyama least squares in the points' own precision, exactly as insightface's skimage call (whose
    # `.estimate` form is deprecated in scikit-image 0.26; `from_estimate` is the same computation).
    tform = SimilarityTransform.from_estimate(lmk, dst)
    if not tform:
        raise InputError(f"landmarks {lmk.tolist()} admit no similarity transform (degenerate points)")
    return tform.params[:2]


def norm_crop(img: np.ndarray, landmark: np.ndarray, image_size: int = 112) -> np.ndarray:
    """The aligned ``(image_size, image_size, 3)`` face crop (insightface ``face_align.norm_crop``)."""
    return cv2.warpAffine(img, estimate_norm(landmark, image_size), (image_size, image_size), borderValue=0.0)


def aligned_crops(frames: np.ndarray, lmks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``norm_crop`` 112×112 RGB crops of the frames whose Face Mesh found a face, and the mask of those frames.

    Args:
        frames: ``(T, H, W, 3)`` uint8 RGB frames.
        lmks: ``(T, 478, 2)`` Face Mesh pixel landmarks, NaN rows where no face was found.

    Returns:
        ``(N, 112, 112, 3)`` uint8 crops of the N frames with a face, and the ``(T,)`` bool mask.
    """
    from eatbench.preprocess.mediapipe_face import arcface_five

    five = arcface_five(lmks)  # (T, 5, 2)
    ok = np.isfinite(five).all(axis=(1, 2))
    crops = [norm_crop(frames[t], five[t]) for t in np.flatnonzero(ok)]
    return (np.stack(crops) if crops else np.zeros((0, 112, 112, 3), np.uint8)), ok


# 2. Embedders ---------------------------------------------------------------------------------------


class Embedder(Protocol):
    def embed(self, crops: np.ndarray) -> np.ndarray:
        """``(N, 112, 112, 3)`` uint8 RGB aligned crops -> ``(N, D)`` float32 raw embeddings."""
        ...


def _blob(crops: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``cv2.dnn.blobFromImages(bgr, 1/std, (112, 112), (mean,)*3, swapRB=True)`` for RGB crops."""
    x = (crops.astype(np.float32) - np.float32(mean)) * np.float32(1.0 / std)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


class ArcFaceOnnx:
    """An insightface recognition ONNX file (``w600k_r50.onnx``) run with onnxruntime on CPU.

    Args:
        path: the ONNX file.
        batch_size: crops per session run.
    """

    def __init__(self, path: str | os.PathLike, batch_size: int = 32) -> None:
        import onnx
        import onnxruntime

        self.path = Path(path)
        try:
            graph = onnx.load(str(path)).graph
        except Exception as err:
            raise InputError(f"{path}: not an ONNX model ({type(err).__name__})") from None
        names = [node.name for node in graph.node[:8]]
        mxnet = any(n.startswith(("Sub", "_minus")) for n in names) and any(
            n.startswith(("Mul", "_mul")) for n in names
        )
        self.input_mean, self.input_std = (0.0, 1.0) if mxnet else (127.5, 127.5)
        from eatbench.judges.onnx_runtime import session_options

        self.session = onnxruntime.InferenceSession(str(path), session_options(), providers=["CPUExecutionProvider"])
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        self.input_size = tuple(inp.shape[2:4][::-1])
        if self.input_size != (112, 112):
            raise InputError(f"{path}: expected a 112x112 recognition model, input is {inp.shape}")
        self.fixed_batch = inp.shape[0] if isinstance(inp.shape[0], int) else None
        self.batch_size = batch_size

    def embed(self, crops: np.ndarray) -> np.ndarray:
        out = []
        step = self.fixed_batch or self.batch_size
        for s in range(0, len(crops), step):
            blob = _blob(crops[s : s + step], self.input_mean, self.input_std)
            if self.fixed_batch:  # models exported with a fixed batch size run one crop at a time
                out += [self.session.run(None, {self.input_name: blob[i : i + 1]})[0] for i in range(len(blob))]
            else:
                out.append(self.session.run(None, {self.input_name: blob})[0])
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, 512), np.float32)


# 3. IResNet -----------------------------------------------------------------------------------------


class IBasicBlock(nn.Module):
    """BN -> conv3×3 -> BN -> PReLU -> conv3×3 (stride) -> BN, plus the (downsampled) input; no ReLU after."""

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-5)
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-5)
        self.prelu = nn.PReLU(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-5)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return out + identity


class IResNet(nn.Module):
    """The arcface_torch IResNet: ``(N, 3, 112, 112)`` normalised RGB -> ``(N, num_features)``.

    Args:
        layers: blocks per stage ((3, 4, 14, 3) is IResNet-50).
        widths: channels per stage.
        num_features: embedding size.
    """

    def __init__(
        self,
        layers: tuple[int, ...] = (3, 4, 14, 3),
        widths: tuple[int, ...] = (64, 128, 256, 512),
        num_features: int = 512,
    ) -> None:
        super().__init__()
        self.config = {"layers": list(layers), "widths": list(widths), "num_features": num_features}
        self.conv1 = nn.Conv2d(3, widths[0], 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0], eps=1e-5)
        self.prelu = nn.PReLU(widths[0])
        inplanes = widths[0]
        for i, (n_blocks, planes) in enumerate(zip(layers, widths, strict=True), start=1):
            down = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride=2, bias=False), nn.BatchNorm2d(planes, eps=1e-5))
            blocks = [IBasicBlock(inplanes, planes, 2, down)] + [
                IBasicBlock(planes, planes) for _ in range(n_blocks - 1)
            ]
            self.add_module(f"layer{i}", nn.Sequential(*blocks))
            inplanes = planes
        spatial = 112 // 2 ** len(layers)  # 7 for four stages
        self.bn2 = nn.BatchNorm2d(inplanes, eps=1e-5)
        self.dropout = nn.Dropout(p=0.0)
        self.fc = nn.Linear(inplanes * spatial * spatial, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-5)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False
        self.n_stages = len(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.prelu(self.bn1(self.conv1(x)))
        for i in range(1, self.n_stages + 1):
            x = getattr(self, f"layer{i}")(x)
        x = self.dropout(self.bn2(x).flatten(1))
        return self.features(self.fc(x))


def export_onnx(net: IResNet, path: str | os.PathLike) -> None:
    """Export an IResNet to ONNX with a dynamic batch axis (input ``(N, 3, 112, 112)`` float32)."""
    net = net.eval()
    dummy = torch.zeros(1, 3, 112, 112)
    torch.onnx.export(
        net, (dummy,), str(path), input_names=["input.1"], output_names=["embedding"],
        dynamic_axes={"input.1": {0: "batch"}, "embedding": {0: "batch"}}, dynamo=False,
    )  # fmt: skip


class ArcFaceTorch:
    """An IResNet run in torch with the ArcFace preprocessing (the demo identity judge)."""

    def __init__(self, net: IResNet, batch_size: int = 32) -> None:
        self.net = net.eval()
        self.batch_size = batch_size

    @torch.no_grad()
    def embed(self, crops: np.ndarray) -> np.ndarray:
        out = [
            self.net(torch.from_numpy(_blob(crops[s : s + self.batch_size], 127.5, 127.5))).numpy()
            for s in range(0, len(crops), self.batch_size)
        ]
        return (
            np.concatenate(out).astype(np.float32)
            if out
            else np.zeros((0, self.net.config["num_features"]), np.float32)
        )


def load_iresnet_safetensors(path: str | os.PathLike) -> IResNet:
    """An IResNet saved by :func:`save_iresnet_safetensors` (config in the metadata)."""
    from eatbench.judges.checkpoint import load_state_file

    state, meta = load_state_file(path)
    config: dict[str, Any] = json.loads(meta.get("config", "{}"))
    net = IResNet(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items()})
    net.load_state_dict(state, strict=False)
    missing = [k for k in net.state_dict() if k not in state and not k.endswith("num_batches_tracked")]
    if missing:
        raise InputError(f"{path}: not an IResNet state_dict (missing {missing[:3]})")
    return net.eval()


def save_iresnet_safetensors(net: IResNet, path: str | os.PathLike) -> None:
    from safetensors.torch import save_file

    state = {k: v.contiguous() for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    save_file(state, str(path), metadata={"config": json.dumps(net.config)})


@lru_cache(maxsize=2)
def _cached(path: str, mtime_ns: int) -> Embedder:
    if path.endswith(".safetensors"):
        return ArcFaceTorch(load_iresnet_safetensors(path))
    return ArcFaceOnnx(path)


def arcface_for(profile: str = "official") -> Embedder:
    """The identity judge of a profile, loaded once per process (raises MissingWeightsError if absent)."""
    from eatbench.judges.weights import resolve_weights

    path = resolve_weights("arcface", profile)  # type: ignore[arg-type]
    return _cached(str(path), path.stat().st_mtime_ns)
