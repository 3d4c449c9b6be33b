"""Timing entries for the network metrics (LPIPS, FID, LSE-D/LSE-C, CSIM) for ``bench_metrics.py``.

Each ``ours_*``/``ref_*`` pair takes ``(gen, gt)`` uint8 RGB frames and returns per-frame (or pooled)
values; ``ours_*`` runs the eatbench metric class (batched, one SyncNet pass shared by LSE-D/C),
``ref_*`` runs the reference package as its users do (``lpips.LPIPS``, pytorch-fid's
``InceptionV3`` + ``calculate_frechet_distance``, syncnet-python's ``SyncNetInstance.evaluate`` on a
frame folder, insightface's ``norm_crop`` + ``ArcFaceONNX.get``).

The networks hold **random weights** written in the official formats and names into a temporary
folder by :func:`install_random_judges` (the real files cannot be downloaded here). That is right for
timing and for checking that both sides compute the same number; it is never a measurement.

Usage from bench_metrics.py::

    from network_entries import NETWORK_ENTRIES, install_random_judges
    install_random_judges()          # sets EATBENCH_WEIGHTS and TORCH_HOME to a temp folder
    ENTRIES += NETWORK_ENTRIES       # Entry(name, ours, reference, rtol) tuples
"""

from __future__ import annotations

import os
import tempfile
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np

Frames = np.ndarray
_ROOT: Path | None = None

# ArcFace five points for 256x256 crops (the template scaled around the face centre); fixed so that both
# sides align the same faces without running a detector.
_FIVE = np.array([[87.5, 118.2], [168.1, 117.7], [128.1, 163.9], [95.0, 211.1], [161.7, 210.8]], np.float32)


def install_random_judges(root: str | os.PathLike | None = None, seed: int = 0) -> Path:
    """Write random judges under their official names and point EATBENCH_WEIGHTS/TORCH_HOME at them."""
    global _ROOT
    import torch
    import torchvision

    from eatbench.judges.arcface import IResNet, export_onnx
    from eatbench.judges.inception import build_fid_inception
    from eatbench.judges.syncnet import SyncNetS

    root = Path(root or tempfile.mkdtemp(prefix="eatbench-bench-judges-"))
    weights, hub = root / "weights", root / "torch" / "hub" / "checkpoints"
    weights.mkdir(parents=True, exist_ok=True)
    hub.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    state = {k: v for k, v in SyncNetS().state_dict().items() if not k.endswith("num_batches_tracked")}
    torch.save(state, weights / "syncnet_v2.model")
    torch.save(build_fid_inception().state_dict(), hub / "pt_inception-2015-12-05-6726825d.pth")
    torch.save(torchvision.models.alexnet(weights=None).state_dict(), hub / "alexnet-owt-7be5be79.pth")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        export_onnx(IResNet(), weights / "w600k_r50.onnx")
    os.environ["EATBENCH_WEIGHTS"] = str(weights)
    os.environ["TORCH_HOME"] = str(root / "torch")
    torch.hub._hub_dir = None
    _ROOT = root
    return root


def _audio(n_frames: int, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(n_frames * 640) * 2000).astype(np.int16)


# -- LPIPS ------------------------------------------------------------------------------------------
def ours_lpips(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.judges.lpips_net import lpips_for
    from eatbench.metrics.lpips import lpips_per_frame

    return lpips_per_frame(lpips_for("official"), gen, gt)


def ref_lpips(gen: Frames, gt: Frames) -> np.ndarray:
    import lpips
    import torch

    net = lpips.LPIPS(net="alex", pnet_rand=True, verbose=False)
    trunk = torch.load(Path(os.environ["TORCH_HOME"]) / "hub/checkpoints/alexnet-owt-7be5be79.pth", weights_only=True)
    slices = {k: v for k, v in net.net.state_dict().items()}
    net.net.load_state_dict({k: trunk[f"features.{k.split('.', 1)[1]}"] for k in slices})
    with torch.no_grad():
        return np.array([float(net(lpips.im2tensor(a), lpips.im2tensor(b))) for a, b in zip(gen, gt, strict=True)])


# -- FID (pooled: one value) -------------------------------------------------------------------------
def ours_fid(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.metrics.base import Sample
    from eatbench.metrics.fid import FID

    metric = FID(sqrtm="sqrtm")
    return np.array([metric.value(metric.clip_state(Sample(gen=gen, gt=gt)))])


def ref_fid(gen: Frames, gt: Frames) -> np.ndarray:
    import torch
    from pytorch_fid.fid_score import calculate_frechet_distance
    from pytorch_fid.inception import InceptionV3

    model = InceptionV3([3]).eval()
    stats = []
    for frames in (gen, gt):
        acts = []
        with torch.no_grad():
            for s in range(0, len(frames), 50):
                x = torch.from_numpy(frames[s : s + 50]).permute(0, 3, 1, 2).float().div(255)
                acts.append(model(x)[0].squeeze(3).squeeze(2).numpy())
        a = np.concatenate(acts).astype(np.float64)
        stats += [a.mean(0), np.cov(a, rowvar=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array([calculate_frechet_distance(*stats)])


# -- LSE-D, LSE-C (one video: [LSE-D, LSE-C]) --------------------------------------------------------
def ours_lse(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.metrics.base import Sample
    from eatbench.metrics.lse import LSEConfidence, LSEDistance

    sample = Sample(gen=gen, audio=_audio(len(gen)))
    d, c = LSEDistance(), LSEConfidence()
    return np.array([d.value(d.clip_state(sample)), c.value(c.clip_state(sample))])


def ref_lse(gen: Frames, gt: Frames) -> np.ndarray:
    import cv2
    import torch
    from scipy.io import wavfile
    from syncnet_python.SyncNetInstance import SyncNetInstance
    from syncnet_python.SyncNetModel import S

    with tempfile.TemporaryDirectory() as tmp:
        for t, frame in enumerate(gen):  # the Wav2Lip LRS loop: cv2.resize(frame, (224, 224)), BGR
            img = cv2.resize(np.ascontiguousarray(frame[:, :, ::-1]), (224, 224))
            Path(tmp, f"{t + 1:06d}.jpg").write_bytes(cv2.imencode(".png", img)[1].tobytes())  # lossless
        wavfile.write(Path(tmp, "audio.wav"), 16000, _audio(len(gen)))
        inst = SyncNetInstance(S(), device="cpu")
        inst.loadParameters(str(Path(os.environ["EATBENCH_WEIGHTS"]) / "syncnet_v2.model"))
        with torch.no_grad():
            _, conf, minval = inst.evaluate(SimpleNamespace(tmp_dir=tmp, batch_size=20, vshift=15))
    return np.array([minval, conf])


# -- CSIM (per frame, source = first GT frame) -------------------------------------------------------
def ours_csim(gen: Frames, gt: Frames) -> np.ndarray:
    from eatbench.judges.arcface import arcface_for
    from eatbench.metrics.csim import cosine, embed_frames

    judge = arcface_for("official")
    mesh = np.zeros((len(gen), 478, 2), np.float32)
    from eatbench.preprocess.mediapipe_face import ARCFACE_FIVE

    mesh[:, list(ARCFACE_FIVE)] = _FIVE
    src, _ = embed_frames(judge, gt[:1], mesh[:1])
    emb, _ = embed_frames(judge, gen, mesh)
    return cosine(emb, np.repeat(src, len(gen), 0))


def ref_csim(gen: Frames, gt: Frames) -> np.ndarray:
    from insightface.app.common import Face
    from insightface.model_zoo.arcface_onnx import ArcFaceONNX

    model = ArcFaceONNX(model_file=str(Path(os.environ["EATBENCH_WEIGHTS"]) / "w600k_r50.onnx"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = model.get(np.ascontiguousarray(gt[0, :, :, ::-1]), Face(kps=_FIVE))
        return np.array(
            [model.compute_sim(src, model.get(np.ascontiguousarray(f[:, :, ::-1]), Face(kps=_FIVE))) for f in gen]
        )


# (name, ours, reference, rtol). LSE: LSE-C is a small difference of two float32 means, so its relative
# error is bounded by float32 resolution of LSE-D (see tests/metrics/test_lse.py); 1e-4 covers it.
NETWORK_ENTRIES = [
    ("lpips", ours_lpips, ref_lpips, 1e-5),
    ("fid", ours_fid, ref_fid, 1e-5),
    ("lse", ours_lse, ref_lse, 1e-4),
    ("csim", ours_csim, ref_csim, 1e-5),
]
