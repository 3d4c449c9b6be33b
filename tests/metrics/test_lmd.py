"""M-LMD / F-LMD: the EAT formula against hand-computed values, the 478->68 table, merge property."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.errors import EatbenchError
from eatbench.metrics.base import Sample
from eatbench.metrics.functional.lmd import FACE, MOUTH, frame_distances, lmd, lmd_sums
from eatbench.metrics.landmarks68 import MEDIAPIPE_TO_IBUG68, to_68
from eatbench.metrics.lmd import FaceLMD, MouthLMD


def test_hand_computed_mouth_distance():
    # One frame; the ground truth is the origin for every point. The generated mouth is the ground truth
    # translated by (3, 4) (centring removes it) plus point 50 moved by (20, 0) on top.
    gt = np.zeros((1, 68, 2))
    gen = np.zeros((1, 68, 2))
    gen[0, 48:68] += (3.0, 4.0)
    gen[0, 50, 0] += 20.0
    # after centring: point 50 is off by (20 - 1, 0) = 19, the other 19 points by (-1, 0) = 1 each
    assert frame_distances(gen, gt, MOUTH)[0] == pytest.approx(19 + 19 * 1.0)
    assert lmd(gen, gt, MOUTH) == pytest.approx(38 / 20)
    # face set: the centroid moves by ((3*20 + 20)/68, 4*20/68); do it by hand per point
    c = np.array([(3 * 20 + 20) / 68, 4 * 20 / 68])
    expected = sum(np.linalg.norm(gen[0, k] - c) for k in range(68))
    assert lmd(gen, gt, FACE) == pytest.approx(expected / 68, rel=1e-12)


def test_frames_without_face_are_skipped_and_counted():
    rng = np.random.default_rng(0)
    gt = rng.normal(size=(3, 68, 2)) * 10
    gen = gt + rng.normal(size=(3, 68, 2))
    gen[1] = np.nan  # no face in generated frame 1
    s, n = lmd_sums(gen, gt, MOUTH)
    assert n == 2
    d0 = frame_distances(gen[:1], gt[:1], MOUTH)[0]
    d2 = frame_distances(gen[2:], gt[2:], MOUTH)[0]
    assert s == pytest.approx(d0 + d2)
    assert lmd(np.full_like(gen, np.nan), gt, MOUTH) != lmd(np.full_like(gen, np.nan), gt, MOUTH)  # NaN


def test_mapping_table():
    assert len(MEDIAPIPE_TO_IBUG68) == 68
    flat = [i for pts in MEDIAPIPE_TO_IBUG68 for i in pts]
    assert all(0 <= i < 468 for i in flat)  # mesh vertices, not iris points
    assert len({pts for pts in MEDIAPIPE_TO_IBUG68}) == 68  # every iBUG point has its own source
    # mouth corners = the Face Mesh mouth corners; chin = 152; nose tip = 4
    assert MEDIAPIPE_TO_IBUG68[48] == (61,) and MEDIAPIPE_TO_IBUG68[54] == (291,)
    assert MEDIAPIPE_TO_IBUG68[8] == (152,) and MEDIAPIPE_TO_IBUG68[30] == (4,)
    mp = np.arange(478 * 2, dtype=np.float64).reshape(478, 2)
    out = to_68(mp)
    assert out.shape == (68, 2)
    assert np.allclose(out[3], (mp[132] + mp[58]) / 2)
    assert np.allclose(to_68(mp[None, None]), out)  # leading axes are kept


def _mesh(rng: np.random.Generator, t: int) -> np.ndarray:
    return (rng.normal(size=(t, 478, 2)) * 30 + 128).astype(np.float32)


def test_metric_reads_cached_face_mesh_and_matches_formula():
    rng = np.random.default_rng(1)
    gen_mesh, gt_mesh = _mesh(rng, 4), _mesh(rng, 6)
    frames_gen = np.zeros((4, 8, 8, 3), np.uint8)
    frames_gt = np.zeros((6, 8, 8, 3), np.uint8)
    # the documented cache keys: landmarks computed once per sample and shared
    sample = Sample(gen=frames_gen, gt=frames_gt, cache={"landmarks_gen": gen_mesh, "landmarks_gt": gt_mesh})
    gi = np.linspace(0, 4, 4, endpoint=False).astype(np.int32)
    ti = np.linspace(0, 6, 4, endpoint=False).astype(np.int32)
    for cls, points in ((MouthLMD, MOUTH), (FaceLMD, FACE)):
        m = cls()
        expected = lmd(to_68(gen_mesh)[gi], to_68(gt_mesh)[ti], points)
        assert m.value(m.clip_state(sample)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cls", [MouthLMD, FaceLMD])
def test_merged_shards_equal_one_pass_of_video_means(cls):
    rng = np.random.default_rng(2)
    m = cls()
    samples, per_video = [], []
    for t in (2, 3, 5):
        g, r = _mesh(rng, t), _mesh(rng, t)
        frames = np.zeros((t, 8, 8, 3), np.uint8)
        samples.append(Sample(gen=frames, gt=frames, cache={"landmarks_gen": g, "landmarks_gt": r}))
        per_video.append(lmd(to_68(g), to_68(r), cls.points))
    nan_mesh = np.full((2, 478, 2), np.nan, np.float32)  # a clip where no face is ever found
    frames = np.zeros((2, 8, 8, 3), np.uint8)
    samples.append(Sample(gen=frames, gt=frames, cache={"landmarks_gen": nan_mesh, "landmarks_gt": nan_mesh}))
    states = [m.clip_state(s) for s in samples]
    merged = m.merge([m.merge(states[:2]), m.merge(states[2:])])
    assert m.value(merged) == pytest.approx(np.mean(per_video), rel=1e-12)  # EAT: mean over videos
    assert merged["videos_without_face"] == 1 and merged["frames_skipped"] == 2


def test_protocol_names_the_landmark_source():
    assert "mediapipe-68" in MouthLMD().protocol
    assert "dlib-68" in FaceLMD(landmarks="dlib-68").protocol
    with pytest.raises(EatbenchError, match="did you mean 'dlib-68'"):
        MouthLMD(landmarks="dlib68")


def test_mapped_points_sit_where_ibug_puts_them_on_a_detected_face():
    """Face Mesh on two demo-corpus faces (mouth closed, mouth open), through the 68-point table."""
    from eatbench.datasets.demo.face import ClipCanvas
    from eatbench.datasets.demo.people import EXPRESSIONS, Mouth, Pose, identity_for

    canvas = ClipCanvas(identity_for("M003"), EXPRESSIONS["neutral"])
    frames = np.stack([canvas.frame(Mouth(open=o), 0.0, Pose()) for o in (0.0, 0.9)])
    closed = Sample(gen=frames[:1], gt=frames[:1])
    m = MouthLMD()
    assert m.value(m.clip_state(closed)) == 0.0
    lm = to_68(closed.cache["landmarks_gen"])[0]
    assert not np.isnan(lm).any()
    assert lm[48, 0] < lm[51, 0] < lm[54, 0]  # mouth corners: image-left to image-right
    assert lm[36, 0] < lm[39, 0] < lm[42, 0] < lm[45, 0]  # eye corners, left to right
    assert lm[27, 1] < lm[30, 1] < lm[51, 1] < lm[57, 1] < lm[8, 1]  # nose bridge, tip, lips, chin: downwards
    assert lm[66, 1] - lm[62, 1] < 2  # closed inner lips
    opened = Sample(gen=frames[1:], gt=frames[:1], cache={"landmarks_gt": closed.cache["landmarks_gen"]})
    mouth_open, face_open = m.value(m.clip_state(opened)), FaceLMD().value(FaceLMD().clip_state(opened))
    assert mouth_open > 2.0 and face_open < mouth_open  # the mouth moved, the rest of the face did not
    assert to_68(opened.cache["landmarks_gen"])[0, 66, 1] - to_68(opened.cache["landmarks_gen"])[0, 62, 1] > 10
