"""The procedural faces: MediaPipe finds them, identities differ, emotions show in Face Mesh landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.clip import EMOTIONS
from eatbench.datasets.demo.face import ClipCanvas
from eatbench.datasets.demo.people import EXPRESSIONS, IDENTITIES, Mouth, Pose, identity_for


def test_at_least_eight_identities_half_men_half_women():
    assert len(IDENTITIES) >= 8
    assert sum(i.male for i in IDENTITIES.values()) == len(IDENTITIES) // 2
    assert set(EXPRESSIONS) == set(EMOTIONS)


def test_mediapipe_detects_every_identity_under_pose_blink_and_speech(mesh):
    rng = np.random.default_rng(0)
    for actor, idt in IDENTITIES.items():
        for emotion in ("neutral", "surprised", "sad"):
            canvas = ClipCanvas(idt, EXPRESSIONS[emotion])
            pose = Pose(
                dx=rng.uniform(-3, 3), dy=rng.uniform(-2, 2), roll=rng.uniform(-3, 3), yaw=rng.uniform(-0.4, 0.4)
            )
            frame = canvas.frame(Mouth(open=rng.uniform(0, 1)), blink=float(rng.uniform(0, 1)), pose=pose)
            assert mesh.detect(frame), f"{actor}/{emotion}: no face detected"
            assert mesh.landmarks(frame) is not None, f"{actor}/{emotion}: Face Mesh found no face"


def test_identities_differ_visibly():
    frames = {a: ClipCanvas(i, EXPRESSIONS["neutral"]).frame(Mouth(), 0.0, Pose()) for a, i in IDENTITIES.items()}
    actors = list(frames)
    for k, a in enumerate(actors):
        for b in actors[k + 1 :]:
            diff = np.abs(frames[a].astype(int) - frames[b].astype(int)).mean()
            assert diff > 15, f"{a} and {b} look alike (mean abs difference {diff:.1f})"


def test_unknown_actor_ids_get_a_stable_look():
    a, b = identity_for("M099"), identity_for("M099")
    assert a == b and a.actor == "M099" and a.male
    assert not identity_for("W123").male


def _aligned(lm: np.ndarray) -> np.ndarray:
    """Landmarks rotated so the outer eye corners (33, 263) lie on a horizontal line, in units of their distance."""
    v = lm[263] - lm[33]
    iod = np.linalg.norm(v)
    c, s = v / iod
    rot = np.array([[c, s], [-s, c]])
    return (lm - lm[33]) @ rot.T / iod


def _measures(lm: np.ndarray) -> dict[str, float]:
    p = _aligned(lm)
    mid = (p[13] + p[14]) / 2
    return {
        # mouth-corner height above the lip centre (smile +, frown -)
        "corner": float(mid[1] - (p[61][1] + p[291][1]) / 2),
        # brow (105/334) height above the upper lid (159/386)
        "brow": float(((p[159][1] - p[105][1]) + (p[386][1] - p[334][1])) / 2),
        # lid aperture
        "eye": float(((p[145][1] - p[159][1]) + (p[374][1] - p[386][1])) / 2),
        # one-sided mouth corner
        "asym": float(abs(p[61][1] - p[291][1])),
    }


@pytest.mark.parametrize("actor", ["M003", "W011", "M030"])
def test_emotions_show_in_face_mesh_landmarks(mesh, actor):
    m = {}
    for emotion in EMOTIONS:
        frame = ClipCanvas(IDENTITIES[actor], EXPRESSIONS[emotion]).frame(Mouth(), 0.0, Pose())
        lm = mesh.landmarks(frame)
        assert lm is not None, f"{actor}/{emotion}: Face Mesh found no face"
        m[emotion] = _measures(lm)
    corner = {e: v["corner"] for e, v in m.items()}
    brow = {e: v["brow"] for e, v in m.items()}
    eye = {e: v["eye"] for e, v in m.items()}
    # Smiles lift the mouth corners; sadness and disgust pull them down.
    assert corner["happy"] > corner["neutral"] + 0.05
    assert corner["sad"] < corner["neutral"] - 0.05 and corner["disgusted"] < corner["neutral"] - 0.05
    # Surprise raises the brows; anger and disgust lower them.
    assert brow["surprised"] > brow["neutral"] + 0.05
    assert brow["angry"] < brow["neutral"] - 0.03 and brow["disgusted"] < brow["neutral"] - 0.015
    # Surprise widens the eyes; anger and disgust narrow them.
    assert eye["surprised"] > eye["neutral"] + 0.008
    assert eye["angry"] < eye["neutral"] - 0.02 and eye["disgusted"] < eye["neutral"] - 0.02
    # Contempt is the one-sided expression.
    others = max(v["asym"] for e, v in m.items() if e != "contempt")
    assert m["contempt"]["asym"] > max(0.03, 1.5 * others)
    # No two emotions give the same landmark measures.
    vec = {e: np.array(list(v.values())) for e, v in m.items()}
    for i, a in enumerate(EMOTIONS):
        for b in EMOTIONS[i + 1 :]:
            assert np.abs(vec[a] - vec[b]).max() > 0.01, f"{actor}: {a} and {b} look alike in landmarks"
