"""FID (Heusel et al. 2017) between generated and ground-truth frames, the pytorch-fid protocol.

pytorch-fid's FID-Inception (2048-d pool3, bilinear resize to 299 inside the model) on every frame of
every test video, generated and real frames pooled into two sets — the Wav2Lip convention
("save the generated faces and the GT faces to different folders and use pytorch-fid"). The value is
one number for the whole set, so the metric is ``pooled``.

Settings: ``batch_size`` (Inception batch, 50 as pytorch-fid; does not change the number) and ``sqrtm``
(``"sqrtm"``, pytorch-fid's matrix square root, default; ``"eigh"``, the same trace through symmetric
eigen-decompositions, faster — see :func:`~eatbench.metrics.functional.fid.frechet_distance`).

State (JSON-able): a clip keeps its raw pool3 activations (float32, base64) — the sufficient statistics
``(n, Σx, Σxxᵀ)`` of a 75-frame clip would be 400× larger; :meth:`FID.merge` turns any mix of clip and
merged states into float64 sufficient statistics, which add exactly across shards.

Example:
    >>> FID.pooled, FID.higher_is_better
    (True, False)
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eatbench.errors import InputError
from eatbench.metrics.base import METRICS, Metric, Needs, Sample
from eatbench.metrics.functional.fid import ActivationStats, frechet_distance

DIM = 2048
SIDES = ("gen", "gt")


def encode_array(a: np.ndarray) -> dict[str, Any]:
    """A JSON-able, bit-exact form of an array."""
    a = np.ascontiguousarray(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "b64": base64.b64encode(a.tobytes()).decode("ascii")}


def decode_array(d: dict[str, Any]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(d["b64"]), dtype=np.dtype(d["dtype"])).reshape(d["shape"])


def _stats(state: dict[str, Any], side: str) -> ActivationStats:
    if f"act_{side}" in state:  # a clip state
        return ActivationStats.of(decode_array(state[f"act_{side}"]))
    return ActivationStats(state[f"n_{side}"], decode_array(state[f"sum_{side}"]), decode_array(state[f"outer_{side}"]))


@METRICS.register("fid")
class FID(Metric):
    """FID over all frames pooled (pytorch-fid FID-Inception; lower is better)."""

    name: ClassVar[str] = "fid"
    display: ClassVar[str] = "FID"
    higher_is_better: ClassVar[bool] = False
    needs: ClassVar[tuple[Needs, ...]] = ("gt",)
    protocol: ClassVar[str] = "pytorch-fid@0.3.0/pool3-2048/all-frames-pooled"
    weights: ClassVar[tuple[str, ...]] = ("fid-inception",)
    pooled: ClassVar[bool] = True

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        from eatbench.judges.activation_cache import cached_activations
        from eatbench.judges.inception import BATCH, inception_activations, inception_for
        from eatbench.judges.weights import resolve_weights

        if sample.gt is None:
            raise InputError(f"{sample.clip_id or 'clip'}: FID needs the ground-truth video")
        net = inception_for(self.profile)
        batch = self.settings.get("batch_size", BATCH)

        def activations(frames: np.ndarray) -> np.ndarray:
            return inception_activations(net, frames, batch).numpy().astype(np.float32)

        # The ground truth is the same for every method: its activations are computed once (same bits).
        from eatbench.judges import inception, onnx_runtime

        weights = resolve_weights("fid-inception", self.profile)  # type: ignore[arg-type]
        files = [weights, Path(inception.__file__), Path(onnx_runtime.__file__)]  # weights and the judge's code
        settings = {"batch_size": batch, "protocol": self.protocol}
        gt = cached_activations("fid-inception", files, sample.gt, settings, lambda: activations(sample.gt))
        state: dict[str, Any] = {}
        for side, act in (("gen", activations(sample.gen)), ("gt", gt)):
            state[f"n_{side}"] = len(act)
            state[f"act_{side}"] = encode_array(act)
        return state

    @staticmethod
    def merge(states: list[dict[str, Any]]) -> dict[str, Any]:
        """Sufficient statistics of the union of the states' frames (float64, exact across shards)."""
        out: dict[str, Any] = {}
        for side in SIDES:
            total = ActivationStats.zeros(DIM)
            for s in states:
                total = total + _stats(s, side)
            out[f"n_{side}"] = total.n
            out[f"sum_{side}"] = encode_array(total.sum)
            out[f"outer_{side}"] = encode_array(total.outer)
        return out

    def value(self, state: dict[str, Any]) -> float:
        gen, gt = _stats(state, "gen"), _stats(state, "gt")
        return frechet_distance(*gen.mean_cov(), *gt.mean_cov(), method=self.settings.get("sqrtm", "sqrtm"))
