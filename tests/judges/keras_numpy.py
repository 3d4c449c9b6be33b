"""A test-only, Keras-free forward pass of a Keras 2 functional-model HDF5 file, in plain numpy.

It interprets the file's own ``model_config`` graph layer by layer (no knowledge of the mini-Xception's
structure: the inbound nodes say what feeds what) with direct loops over kernel offsets, in float64, so
it shares no code and no layout decisions with :class:`eatbench.judges.fer_xception.MiniXception`. Only
the layer types fer's ``emotion_model.hdf5`` uses are implemented; any other raises.

TensorFlow's padding rules: "valid" takes no pad; "same" makes ``ceil(n / stride)`` outputs and pads
``max((out - 1) * stride + k - n, 0)`` in total, the odd pixel at the end (-inf for max pooling).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def _pads(n: int, k: int, stride: int, padding: str) -> tuple[int, int, int]:
    if padding == "valid":
        return 0, 0, (n - k) // stride + 1
    out = math.ceil(n / stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2, out


def _windows(x: np.ndarray, k: tuple[int, int], stride: tuple[int, int], padding: str, fill: float):
    """Yield ``(i, j, patch)`` for every kernel offset: ``patch[n, oy, ox, c] = x_padded[n, oy*s+i, ox*s+j, c]``."""
    _n, h, w, _c = x.shape
    top, bottom, oh = _pads(h, k[0], stride[0], padding)
    left, right, ow = _pads(w, k[1], stride[1], padding)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    for i in range(k[0]):
        for j in range(k[1]):
            yield (
                i,
                j,
                xp[:, i : i + stride[0] * (oh - 1) + 1 : stride[0], j : j + stride[1] * (ow - 1) + 1 : stride[1]],
            )


def _conv(x, kernel, stride, padding):  # kernel (kh, kw, cin, cout)
    out = None
    for i, j, patch in _windows(x, kernel.shape[:2], stride, padding, 0.0):
        term = patch @ kernel[i, j]
        out = term if out is None else out + term
    return out


def _depthwise(x, kernel, padding):  # kernel (kh, kw, c, 1), stride 1
    out = None
    for i, j, patch in _windows(x, kernel.shape[:2], (1, 1), padding, 0.0):
        term = patch * kernel[i, j, :, 0]
        out = term if out is None else out + term
    return out


def _maxpool(x, k, stride, padding):
    out = None
    for _i, _j, patch in _windows(x, k, stride, padding, -np.inf):
        out = patch if out is None else np.maximum(out, patch)
    return out


def keras_forward(path: str | Path, images: np.ndarray, stop_at: str | None = None) -> np.ndarray:
    """Run the Keras model in ``path`` on NHWC ``images``; return the output of ``stop_at`` (default: the last layer)."""
    import h5py

    with h5py.File(path, "r") as f:
        layers = json.loads(f.attrs["model_config"])["config"]["layers"]
        group = f["model_weights"]
        params = {}
        for layer in layers:
            name = layer["config"]["name"]
            if name in group and len(group[name].attrs.get("weight_names", [])):
                g = group[name]
                params[name] = {
                    (n.decode() if isinstance(n, bytes) else n).rsplit("/", 1)[-1].split(":")[0]: np.asarray(
                        g[n], np.float64
                    )
                    for n in g.attrs["weight_names"]
                }

    values: dict[str, np.ndarray] = {}
    for layer in layers:
        kind, cfg, name = layer["class_name"], layer["config"], layer["config"]["name"]
        inputs = [values[node[0]] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        p = params.get(name, {})
        if kind == "InputLayer":
            y = np.asarray(images, np.float64)
        elif kind == "Conv2D":
            y = _conv(inputs[0], p["kernel"], tuple(cfg["strides"]), cfg["padding"])
            if cfg["use_bias"]:
                y = y + p["bias"]
            assert cfg["activation"] == "linear"
        elif kind == "SeparableConv2D":
            assert tuple(cfg["strides"]) == (1, 1) and not cfg["use_bias"] and cfg["activation"] == "linear"
            y = _depthwise(inputs[0], p["depthwise_kernel"], cfg["padding"]) @ p["pointwise_kernel"][0, 0]
        elif kind == "BatchNormalization":
            y = (inputs[0] - p["moving_mean"]) / np.sqrt(p["moving_variance"] + cfg["epsilon"]) * p["gamma"] + p["beta"]
        elif kind == "Activation":
            x = inputs[0]
            if cfg["activation"] == "relu":
                y = np.maximum(x, 0.0)
            elif cfg["activation"] == "softmax":
                e = np.exp(x - x.max(axis=-1, keepdims=True))
                y = e / e.sum(axis=-1, keepdims=True)
            else:
                raise NotImplementedError(cfg["activation"])
        elif kind == "MaxPooling2D":
            y = _maxpool(inputs[0], tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"])
        elif kind == "Add":
            y = sum(inputs[1:], inputs[0])
        elif kind == "GlobalAveragePooling2D":
            y = inputs[0].mean(axis=(1, 2))
        else:
            raise NotImplementedError(kind)
        values[name] = y
        if name == stop_at:
            return y
    return y
