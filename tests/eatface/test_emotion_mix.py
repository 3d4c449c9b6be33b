"""Emotion blends and intensity: parsing, the mixing formula by hand, and the pipeline's emotion condition."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from conftest import build_ready

from eatface.emotion_mix import mixed_condition, parse_emotion
from eatface.errors import EATFaceError


def test_parse_emotion():
    assert parse_emotion("Happy") == {"happy": 1.0}
    assert parse_emotion("happy emotion") == {"happy": 1.0}
    assert parse_emotion("happy=0.7, surprised=0.3") == pytest.approx({"happy": 0.7, "surprised": 0.3})
    assert parse_emotion({"happy": 3, "sad": 1}) == {"happy": 0.75, "sad": 0.25}
    for bad, message in (
        ("happy=x", "not a number"),
        ("happy=-1", ">= 0"),
        ("happy=nan", ">= 0"),
        ("happy,happy", "twice"),
        ("happy=0", "sum to 0"),
        ("happy,", "empty"),
    ):
        with pytest.raises(EATFaceError, match=message):
            parse_emotion(bad)


def test_mixed_condition_by_hand():
    table = {"neutral": [0.0, 1.0], "happy": [2.0, 3.0], "sad": [4.0, -1.0]}
    calls = []

    def h(names):
        calls.append(list(names))
        return torch.tensor([table[n] for n in names])

    # s = 1, one emotion: exactly h(e), and neutral is not even computed.
    assert mixed_condition(h, {"happy": 1.0}, 1.0).tolist() == [[2.0, 3.0]]
    assert calls[-1] == ["happy"]
    # blend at s = 1: 0.75 happy + 0.25 sad = [2.5, 2.0]
    assert mixed_condition(h, {"happy": 0.75, "sad": 0.25}, 1.0).tolist() == [[2.5, 2.0]]
    # s = 0.5 of happy: neutral + 0.5 (happy − neutral) = [1.0, 2.0]; s = 0: neutral; s = 1.5: [3.0, 4.0]
    assert mixed_condition(h, {"happy": 1.0}, 0.5).tolist() == [[1.0, 2.0]]
    assert mixed_condition(h, {"happy": 1.0}, 0.0).tolist() == [[0.0, 1.0]]
    assert mixed_condition(h, {"happy": 1.0}, 1.5).tolist() == [[3.0, 4.0]]


def test_pipeline_emotion_condition_is_linear_in_blends_and_intensity(full_pipe, face_inputs):
    from eatface.images import to_model_images

    x_r = to_model_images(face_inputs[0], 64)
    c = {e: full_pipe.emotion_map({e: 1.0}, x_r) for e in ("happy", "sad", "neutral")}
    blend = full_pipe.emotion_map(parse_emotion("happy=0.7,sad=0.3"), x_r)
    torch.testing.assert_close(blend, 0.7 * c["happy"] + 0.3 * c["sad"], rtol=0, atol=1e-5)
    half = full_pipe.emotion_map({"happy": 1.0}, x_r, intensity=0.5)
    torch.testing.assert_close(half, 0.5 * (c["happy"] + c["neutral"]), rtol=0, atol=1e-5)
    torch.testing.assert_close(
        full_pipe.emotion_map({"happy": 1.0}, x_r, intensity=0.0), c["neutral"], rtol=0, atol=1e-6
    )
    # alpha mode: s = 1 is Eq. 7 as trained; s = 0 keeps the reference image's part only
    torch.testing.assert_close(full_pipe.emotion_map({"happy": 1.0}, x_r, mode="alpha"), c["happy"], rtol=0, atol=1e-5)
    image_only = full_pipe.emotion_map({"happy": 1.0}, x_r, intensity=0.0, mode="alpha")
    assert torch.allclose(image_only, full_pipe.emotion_map({"sad": 1.0}, x_r, intensity=0.0, mode="alpha"))


def test_pipeline_checks_intensity(full_pipe, face_inputs):
    image, audio = face_inputs
    for kwargs, message in (
        ({"intensity": 1.6}, r"\[0, 1.5\]"),
        ({"intensity": -0.1}, r"\[0, 1.5\]"),
        ({"intensity_mode": "loud"}, "intensity_mode"),
        ({"emotion": "happy=-2"}, ">= 0"),
    ):
        with pytest.raises(EATFaceError, match=message):
            full_pipe(image, audio, **{"emotion": "happy", **kwargs}, num_inference_steps=1)


def test_intensity_zero_is_the_neutral_face(face_inputs):
    """s = 0 gives the neutral condition exactly, so the same frames as asking for neutral."""
    pipe = build_ready("full")
    torch.manual_seed(0)
    for name, p in pipe.controlnet.named_parameters():  # the zero convs (entry and exits): make emotion matter
        if any(k in name for k in ("controlnet_down_blocks", "controlnet_mid_block", "controlnet_cond_embedding")):
            torch.nn.init.normal_(p, std=0.5)
    image, audio = face_inputs

    def frames(**kw):
        return pipe(image, audio, num_inference_steps=2, generator=torch.Generator().manual_seed(0), **kw).frames

    zero = frames(emotion="happy", intensity=0.0)
    np.testing.assert_array_equal(zero, frames(emotion="surprised", intensity=0.0))
    neutral = frames(emotion="neutral")
    assert np.abs(zero.astype(int) - neutral.astype(int)).max() <= 1
    assert np.abs(frames(emotion="happy").astype(int) - neutral.astype(int)).max() > 1  # emotion does act
