"""The reference side of ``bench_metrics.py`` (one function per reference package) and the random judges both sides load.

Each ``ref_*`` function is one reference package run the way its users run it, over the benchmark's
clips (:class:`bench_metrics.Item`: a generated video, its ground-truth crop video and the source
image, all lossless files), decoding what it needs itself:

- ``ref_psnr_ssim``: scikit-image per frame pair (RGB, range 255), as EAT's ``test_psnr_ssim.py``;
- ``ref_cpbd``: ``cpbd.compute`` on the OpenCV grayscale of every generated frame;
- ``ref_lpips``: ``lpips.LPIPS(net="alex")`` on every aligned frame pair (``lpips.im2tensor``), one pair
  per call;
- ``ref_fid``: pytorch-fid as its command line does it: the frames of all generated videos and of all
  ground-truth videos written as PNG into two folders, ``compute_statistics_of_path`` on each
  (``InceptionV3([3])``, batch 50), then ``calculate_frechet_distance`` (timed apart: the 2048-d matrix
  square root);
- ``ref_lse``: syncnet-python's ``SyncNetInstance.evaluate`` on a frame folder and ``audio.wav`` per video
  (the Wav2Lip LRS loop: ``cv2.resize`` of each BGR crop to 224; frames stored lossless so that both
  sides see the same pixels);
- ``ref_csim``: MediaPipe Face Mesh five points (the protocol's landmark source, the same function as our
  side) and insightface's ``ArcFaceONNX.get`` (its own ``norm_crop``) + ``compute_sim`` per frame.

:func:`run_reference` runs them all one after another, timing each, and turns their outputs into the
dataset values their users would report.

The networks hold **random weights** written in the official formats and names into a temporary
folder by :func:`install_random_judges` (the real files cannot be downloaded here). That is right for
timing and for checking that both sides compute the same number; it is never a measurement.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from measure import clock, peak_mib, reset_peak


def install_random_judges(root: str | os.PathLike | None = None, seed: int = 0) -> Path:
    """Write random judges under their official names and point EATBENCH_WEIGHTS/TORCH_HOME at them."""
    import torch
    import torchvision

    from eatbench.judges.arcface import IResNet, export_onnx
    from eatbench.judges.inception import build_fid_inception
    from eatbench.judges.syncnet import SyncNetS

    if root is None:  # a folder of our own: removed when the benchmark exits (about 0.5 GB)
        root = tempfile.mkdtemp(prefix="eatbench-bench-judges-")
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    root = Path(root)
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
    return root


def _frames(path: Path) -> np.ndarray:
    from eatbench.io import read_video

    return read_video(path).frames


def _pairs(gen: np.ndarray, gt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The EAT pairing (``np.linspace(0, n, min_len, endpoint=False)``), as test_psnr_ssim.py does it."""
    n = min(len(gen), len(gt))
    return (
        gen[np.linspace(0, len(gen), n, endpoint=False).astype(np.int32)],
        gt[np.linspace(0, len(gt), n, endpoint=False).astype(np.int32)],
    )


# -- PSNR, SSIM, CPBD: per frame, frames pooled --------------------------------------------------------
def ref_psnr_ssim(items: list[Any]) -> dict[str, Any]:
    """EAT's test_psnr_ssim.py: skimage per frame pair (RGB, range 255), lists pooled over all videos.

    The documented 100 dB clamp is applied to skimage's +inf of identical frames (metrics-protocols.md §6).
    """
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    from eatbench.metrics.functional.psnr import PSNR_MAX_DB

    psnr, ssim = {}, {}
    for it in items:
        gen, gt = _pairs(_frames(it.gen), _frames(it.gt))
        with np.errstate(divide="ignore"):
            psnr[it.clip_id] = [min(peak_signal_noise_ratio(b, a), PSNR_MAX_DB) for a, b in zip(gen, gt, strict=False)]
        ssim[it.clip_id] = [structural_similarity(b, a, channel_axis=-1) for a, b in zip(gen, gt, strict=False)]
    return {"psnr": psnr, "ssim": ssim}


def ref_cpbd(items: list[Any]) -> dict[str, Any]:
    """cpbd.compute on the OpenCV grayscale of every generated frame."""
    import cpbd
    import cv2

    return {
        "frames": {
            it.clip_id: [cpbd.compute(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)) for f in _frames(it.gen)] for it in items
        }
    }


# -- LPIPS: per frame pair, frames pooled ------------------------------------------------------------
def ref_lpips(items: list[Any]) -> dict[str, Any]:
    import lpips
    import torch

    # The trunk from the torch hub file (lpips would fetch it through torchvision), the lin layers from the wheel.
    net = lpips.LPIPS(net="alex", pnet_rand=True, verbose=False)
    trunk = torch.load(Path(os.environ["TORCH_HOME"]) / "hub/checkpoints/alexnet-owt-7be5be79.pth", weights_only=True)
    net.net.load_state_dict({k: trunk[f"features.{k.split('.', 1)[1]}"] for k in net.net.state_dict()})
    per_clip: dict[str, list[float]] = {}
    with torch.no_grad():
        for it in items:
            gen, gt = _pairs(_frames(it.gen), _frames(it.gt))
            per_clip[it.clip_id] = [
                float(net(lpips.im2tensor(a), lpips.im2tensor(b))) for a, b in zip(gen, gt, strict=False)
            ]
    return {"frames": per_clip}


# -- FID: all frames pooled into two folders ---------------------------------------------------------
def ref_fid(items: list[Any]) -> dict[str, Any]:
    import cv2
    import torch
    from pytorch_fid.fid_score import calculate_frechet_distance, compute_statistics_of_path
    from pytorch_fid.inception import InceptionV3

    num_workers = min(os.cpu_count() or 0, 8)  # the pytorch-fid command line's default
    with tempfile.TemporaryDirectory(prefix="bench-fid-") as tmp:
        folders = {"gen": Path(tmp, "gen"), "gt": Path(tmp, "gt")}
        for f in folders.values():
            f.mkdir()
        for it in items:
            for side in ("gen", "gt"):
                for t, frame in enumerate(_frames(getattr(it, side))):
                    cv2.imwrite(str(folders[side] / f"{it.clip_id}_{t:05d}.png"), frame[:, :, ::-1])
        model = InceptionV3([InceptionV3.BLOCK_INDEX_BY_DIM[2048]]).eval()
        with torch.no_grad():
            m1, s1 = compute_statistics_of_path(str(folders["gen"]), model, 50, 2048, "cpu", num_workers)
            m2, s2 = compute_statistics_of_path(str(folders["gt"]), model, 50, 2048, "cpu", num_workers)
    t0 = clock()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy 1.17 deprecates sqrtm's `disp`, which pytorch-fid passes
        value = float(calculate_frechet_distance(m1, s1, m2, s2))
    return {"value": value, "distance_s": clock() - t0}


# -- LSE-D, LSE-C: one syncnet_python evaluation per video ---------------------------------------------
def ref_lse(items: list[Any]) -> dict[str, Any]:
    import cv2
    import torch
    from scipy.io import wavfile
    from syncnet_python.SyncNetInstance import SyncNetInstance
    from syncnet_python.SyncNetModel import S

    from eatbench.io import read_audio

    inst = SyncNetInstance(S(), device="cpu")
    inst.loadParameters(str(Path(os.environ["EATBENCH_WEIGHTS"]) / "syncnet_v2.model"))
    out: dict[str, tuple[float, float]] = {}
    for it in items:
        with tempfile.TemporaryDirectory(prefix="bench-lse-") as tmp:
            for t, frame in enumerate(_frames(it.gen)):  # the Wav2Lip LRS loop: cv2.resize(frame, (224, 224)), BGR
                img = cv2.resize(np.ascontiguousarray(frame[:, :, ::-1]), (224, 224))
                Path(tmp, f"{t + 1:06d}.jpg").write_bytes(cv2.imencode(".png", img)[1].tobytes())  # lossless
            wavfile.write(Path(tmp, "audio.wav"), 16000, read_audio(it.gen).int16)
            with torch.no_grad():
                _, conf, minval = inst.evaluate(SimpleNamespace(tmp_dir=tmp, batch_size=20, vshift=15))
        out[it.clip_id] = (float(minval), float(conf))
    return {"videos": out}


# -- CSIM: source image vs every generated frame, frame mean per video ---------------------------------
def ref_csim(items: list[Any]) -> dict[str, Any]:
    import cv2
    from insightface.app.common import Face
    from insightface.model_zoo.arcface_onnx import ArcFaceONNX

    from eatbench.preprocess.mediapipe_face import arcface_five, face_mesh

    model = ArcFaceONNX(model_file=str(Path(os.environ["EATBENCH_WEIGHTS"]) / "w600k_r50.onnx"))
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for it in items:
            src_bgr = cv2.imread(str(it.source), cv2.IMREAD_COLOR)
            src_five = arcface_five(face_mesh(np.ascontiguousarray(src_bgr[:, :, ::-1])[None]))[0]
            src = model.get(src_bgr, Face(kps=src_five))
            gen = _frames(it.gen)
            five = arcface_five(face_mesh(gen))
            sims = [
                model.compute_sim(src, model.get(np.ascontiguousarray(f[:, :, ::-1]), Face(kps=k)))
                for f, k in zip(gen, five, strict=False)
                if np.isfinite(k).all()
            ]
            if sims:
                out[it.clip_id] = float(np.mean(sims))
    return {"videos": out}


# -------------------------------------------------------------------------------------------- reference
def run_reference(items: list[Any]) -> dict[str, Any]:
    """Each reference package over all clips, one after another; dataset values as their users compute them."""
    seconds: dict[str, np.ndarray] = {}  # [wall, cpu]
    values: dict[str, float] = {}
    per_clip: dict[str, dict[str, float]] = {}

    memory: dict[str, float] = {}

    def timed(name: str, fn: Callable[[list[Any]], dict[str, Any]]) -> dict[str, Any]:
        start = reset_peak()
        t0 = clock()
        out = fn(items)
        seconds[name] = clock() - t0
        if name == "fid":  # pytorch-fid's data loader workers are other processes: counted apart by the OS
            memory["fid_peak_mib"], memory["fid_rise_mib"] = peak_mib(), peak_mib() - start
        return out

    def frame_pooled(name: str, frames: dict[str, list[float]]) -> None:
        per_clip[name] = {k: float(np.mean(v)) for k, v in frames.items()}
        values[name] = float(np.mean(np.concatenate([np.asarray(v, np.float64) for v in frames.values()])))

    out = timed("psnr+ssim", ref_psnr_ssim)
    frame_pooled("psnr", out["psnr"])
    frame_pooled("ssim", out["ssim"])
    frame_pooled("cpbd", timed("cpbd", ref_cpbd)["frames"])
    frame_pooled("lpips", timed("lpips", ref_lpips)["frames"])
    fid = timed("fid", ref_fid)
    seconds["fid"] -= fid["distance_s"]
    seconds["fid-distance"] = fid["distance_s"]
    values["fid"] = fid["value"]
    lse = timed("lse-d+lse-c", ref_lse)["videos"]
    per_clip["lse-d"] = {k: d for k, (d, _) in lse.items()}
    per_clip["lse-c"] = {k: c for k, (_, c) in lse.items()}
    values["lse-d"] = float(np.mean(list(per_clip["lse-d"].values())))
    values["lse-c"] = float(np.mean(list(per_clip["lse-c"].values())))
    per_clip["csim"] = timed("csim", ref_csim)["videos"]
    values["csim"] = float(np.mean(list(per_clip["csim"].values())))
    return {"values": values, "per_clip": per_clip, "seconds": seconds, "memory": memory}
