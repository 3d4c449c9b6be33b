"""The benchmark adapter: weight lookup, the missing-weights message, and a generation that meets the contract."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.errors import MissingWeightsError
from eatbench.io import Audio, write_audio
from eatbench.methods.base import GenerationInput, check_output
from eatbench.methods.contract import run_method
from eatbench.methods.eatface import EATFace, weights_slug
from eatbench.methods.registry import get_method, resolve_method
from eatface.configuration import get_preset
from eatface.data import TrainingCorpus
from eatface.training import stages_for, train_stage


def test_variants_are_registered_and_slugs_differ():
    assert resolve_method("eatface-w/o-eve").variant == "w/o-EVE"
    assert get_method("eatface", variant="w/o-Emo").emotions == ()
    assert weights_slug("tiny", "full") == "tiny" and weights_slug("tiny", "w/o-FEC") == "tiny-wo-fec"


def test_missing_weights_say_how_to_train(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path))
    monkeypatch.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", tmp_path / "none")
    m = EATFace(variant="w/o-EVE")
    state = m.availability()
    assert not state.ok and "eatbench train all --preset tiny --dataset demo --variant w/o-EVE" in state.reason
    with pytest.raises(MissingWeightsError, match="eatbench train all"):
        m.pipeline()
    with pytest.raises(MissingWeightsError, match="no EAT-Face checkpoint"):
        EATFace(weights=tmp_path).pipeline()


def test_generate_from_a_free_image_meets_the_output_contract(tmp_path):
    import cv2
    import skimage.data

    weights = tmp_path / "w"
    config = get_preset("tiny", ablation="w/o-Emo")
    corpus = TrainingCorpus.synthetic(num_clips=2, frames=4, resolution=64)
    for stage in stages_for(config):
        train_stage(stage, config, corpus, weights, steps=1, progress=False)
    image = tmp_path / "face.png"
    cv2.imwrite(str(image), cv2.cvtColor(cv2.resize(skimage.data.astronaut(), (320, 320)), cv2.COLOR_RGB2BGR))
    t = np.arange(16000) / 16000
    wav = tmp_path / "speech.wav"
    write_audio(
        wav, Audio((0.3 * np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32))
    )
    m = EATFace(weights=weights, variant="w/o-Emo", num_inference_steps=2)
    assert m.availability().ok and len(m.weights_hash()) == 16
    # One training step draws no face yet: the face check is off; the rest of the contract holds.
    out = run_method(m, GenerationInput(image=image, audio=wav), None, 0, tmp_path / "out.mkv", check_face=False)
    check_output(out, 25)


def test_emotion_blends_go_through_the_one_emotion_policy(tmp_path):
    from eatbench.errors import EatbenchError
    from eatbench.methods.contract import target_emotion

    free = GenerationInput(image=tmp_path / "face.png", audio=tmp_path / "speech.wav")
    m = EATFace()
    assert target_emotion(m, "happy", free) == "happy"
    assert target_emotion(m, "happy=0.7,surprised=0.3", free) == "happy=0.7,surprised=0.3"
    assert target_emotion(m, "sad=1", free) == "sad"  # a blend of one is that emotion
    with pytest.raises(EatbenchError, match=r"'surprise': unknown emotion.*'surprised'"):
        target_emotion(m, "happy=0.7,surprise=0.3", free)
    with pytest.raises(EatbenchError, match="not a number"):
        target_emotion(m, "happy=lots,sad=1", free)
    with pytest.raises(EatbenchError, match="'joyful': unknown emotion"):
        target_emotion(m, "joyful", free)
    assert get_method("eatface", intensity=0.5).intensity == 0.5
    assert target_emotion(EATFace(variant="w/o-Emo"), "happy=0.5,sad=0.5", free) is None  # no emotion control
