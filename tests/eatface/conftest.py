"""Shared fixtures of the EAT-Face tests: tiny real components built from the ``tiny`` preset."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def build_ready(ablation: str = "full"):
    """A tiny pipeline of ``ablation`` with every component present (ControlNet built from the UNet)."""
    from eatface import build_pipeline, get_preset
    from eatface.controlnet import build_controlnet

    config = get_preset("tiny", ablation=ablation)
    pipe = build_pipeline(config)
    if pipe.ablation.controlnet:
        pipe.register_modules(controlnet=build_controlnet(pipe.unet, config).eval())
    pipe.set_progress_bar_config(disable=True)
    return pipe


@pytest.fixture(scope="module")
def full_pipe():
    return build_ready("full")


@pytest.fixture(scope="module")
def face_inputs():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
    audio = rng.normal(0, 0.1, 16000 * 12 // 25).astype(np.float32)  # 12 frames
    return image, audio
