"""CPBD against the reference package ``cpbd-py312`` (= python-cpbd 1.0.7) on identical gray images."""

from __future__ import annotations

import cpbd as cpbd_reference
import cv2
import numpy as np
import pytest

from eatbench.metrics.base import Sample
from eatbench.metrics.cpbd import CPBD
from eatbench.metrics.functional.cpbd import cpbd, cpbd_frames, gray


def _images() -> list[np.ndarray]:
    """Gray images that exercise every branch: edges both ways, blur levels, partial blocks, flat."""
    rng = np.random.default_rng(0)
    out = []
    for i, (h, w) in enumerate([(256, 256), (224, 224), (130, 200), (64, 64)]):
        img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        img = cv2.GaussianBlur(img, (0, 0), 0.8 + 0.9 * i)
        cv2.circle(img, (w // 2, h // 2), min(h, w) // 4, (250, 200, 10), -1)
        cv2.rectangle(img, (5, 7), (w // 3, h - 9), (0, 0, 0), -1)
        cv2.line(img, (0, h - 1), (w - 1, 0), (255, 255, 255), 2)
        out.append(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY))
    # long monotone ramps ending in a step: edges wider than the reference's 101-step walk (width 102)
    row = np.concatenate([np.linspace(250, 60, 150), np.zeros(20), np.linspace(0, 30, 86)])
    for r in (row, row[::-1]):  # falling then rising edges: the 180° and 0° branches
        img = np.tile(r, (128, 1))
        img[60:70] = 128
        out.append(np.round(img).astype(np.uint8))
    out.append(np.full((128, 128), 77, np.uint8))  # no edges at all
    return out


@pytest.mark.parametrize("index", range(7))
def test_equals_reference_package(index):
    img = _images()[index]
    ref = cpbd_reference.compute(img)
    assert cpbd(img) == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_float_input_equals_reference_and_uint8():
    img = _images()[0]
    assert cpbd(img.astype(np.float64)) == pytest.approx(cpbd_reference.compute(img.astype(np.float64)), abs=1e-15)
    assert cpbd(img.astype(np.float64)) == cpbd(img)


def test_gray_is_opencv_bt601_and_range_matters():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    g = gray(rgb)
    expected = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    assert g.dtype == np.uint8 and np.abs(g - expected).max() <= 1  # fixed-point, ±1 LSB
    assert np.array_equal(g[0], cv2.cvtColor(rgb[0], cv2.COLOR_RGB2GRAY))
    img = _images()[0].astype(np.float64)
    assert cpbd(img / 255.0) != cpbd(img)  # the 0..255 range is part of the protocol


def test_metric_on_rgb_frames_and_merge_equals_one_pass(make_frames):
    clips = [make_frames(40 + k, t=2 + k, h=128, w=128) for k in range(3)]
    m = CPBD()
    states = [m.clip_state(Sample(gen=f)) for f in clips]
    merged = m.value(m.merge([m.merge(states[:1]), m.merge(states[1:])]))
    ref = [cpbd_reference.compute(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY)) for c in clips for f in c]
    assert merged == pytest.approx(np.mean(ref), rel=1e-12)
    assert np.allclose(cpbd_frames(clips[0]), [cpbd_reference.compute(g) for g in gray(clips[0])], rtol=0, atol=0)


def test_rejects_colour_input():
    with pytest.raises(ValueError, match="grayscale"):
        cpbd(np.zeros((64, 64, 3)))
