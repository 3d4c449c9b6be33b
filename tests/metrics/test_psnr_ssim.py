"""PSNR/SSIM against scikit-image, hand-computed values and the pooling/merge properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from eatbench.errors import EatbenchError, InputError
from eatbench.metrics.base import Sample
from eatbench.metrics.functional.align import aligned_indices
from eatbench.metrics.functional.psnr import PSNR_MAX_DB, psnr
from eatbench.metrics.functional.ssim import ssim
from eatbench.metrics.psnr_ssim import PSNR, SSIM

SHAPES = [(3, 64, 64), (2, 37, 51), (2, 256, 256)]


@pytest.mark.parametrize("shape", SHAPES)
def test_psnr_equals_skimage(shape, make_frames, make_degraded):
    gt = make_frames(3, *shape)
    gen = make_degraded(gt, 4, amount=35)
    ours = psnr(gen, gt)
    ref = np.array([peak_signal_noise_ratio(b, a) for a, b in zip(gen, gt, strict=True)])
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_ssim_uniform7_equals_skimage_default(shape, make_frames, make_degraded):
    gt = make_frames(5, *shape)
    gen = make_degraded(gt, 6)
    ours = ssim(gen, gt)
    ref = np.array([structural_similarity(b, a, channel_axis=-1) for a, b in zip(gen, gt, strict=True)])
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


@pytest.mark.parametrize("shape", SHAPES)
def test_ssim_gaussian11_equals_skimage_wang_setting(shape, make_frames, make_degraded):
    gt = make_frames(7, *shape)
    gen = make_degraded(gt, 8)
    ours = ssim(gen, gt, window="gaussian11")
    ref = [
        structural_similarity(
            b, a, channel_axis=-1, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255
        )
        for a, b in zip(gen, gt, strict=True)
    ]
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_ssim_float_frames_take_the_general_path(make_frames, make_degraded):
    gt = make_frames(9, 2, 40, 40)
    gen = make_degraded(gt, 10)
    ours = ssim(gen.astype(np.float64), gt.astype(np.float64))
    ref = [structural_similarity(b, a, channel_axis=-1, data_range=255) for a, b in zip(gen, gt, strict=True)]
    np.testing.assert_allclose(ours, ref, rtol=1e-10)


def test_psnr_hand_computed():
    a = np.zeros((1, 4, 4, 3), np.uint8)
    b = a.copy()
    b[0, 0, 0, 0] = 255  # MSE = 255²/48 -> PSNR = 10 log10(48)
    assert psnr(a, b)[0] == pytest.approx(10 * math.log10(48), rel=1e-12)
    c = np.full((1, 2, 2, 3), 10, np.uint8)
    d = np.full((1, 2, 2, 3), 13, np.uint8)  # MSE = 9
    assert psnr(c, d)[0] == pytest.approx(10 * math.log10(255**2 / 9), rel=1e-12)


def test_ssim_hand_computed_constant_frames():
    # Constant frames: all variances 0, so SSIM = (2 mu_x mu_y + C1) / (mu_x² + mu_y² + C1).
    x = np.full((1, 13, 13, 3), 100, np.uint8)
    y = np.full((1, 13, 13, 3), 120, np.uint8)
    c1 = (0.01 * 255) ** 2
    expected = (2 * 100 * 120 + c1) / (100**2 + 120**2 + c1)
    assert ssim(x, y)[0] == pytest.approx(expected, rel=1e-12)
    assert ssim(x, y, window="gaussian11")[0] == pytest.approx(expected, rel=1e-12)


def test_identical_frames_are_clamped_not_inf(make_frames, make_degraded):
    f = make_frames(11, 3)
    assert np.all(psnr(f, f) == PSNR_MAX_DB)
    assert np.all(ssim(f, f) == 1.0)
    m = PSNR()
    assert m.value(m.clip_state(Sample(gen=f, gt=f))) == PSNR_MAX_DB


def test_alignment_is_eat_linspace():
    gi, ti = aligned_indices(10, 4)
    assert gi.tolist() == [0, 2, 5, 7] and ti.tolist() == [0, 1, 2, 3]
    gi, ti = aligned_indices(3, 3)
    assert gi.tolist() == ti.tolist() == [0, 1, 2]


def test_metric_pairs_frames_and_pools_them(make_frames, make_degraded):
    gt = make_frames(12, 6)
    gen = make_degraded(gt, 13)[:4]  # 4 generated frames vs 6 ground-truth frames
    gi, ti = aligned_indices(4, 6)
    ref_psnr = [peak_signal_noise_ratio(gt[j], gen[i]) for i, j in zip(gi, ti, strict=True)]
    ref_ssim = [structural_similarity(gt[j], gen[i], channel_axis=-1) for i, j in zip(gi, ti, strict=True)]
    p, s = PSNR(), SSIM()
    sample = Sample(gen=gen, gt=gt)
    assert p.value(p.clip_state(sample)) == pytest.approx(np.mean(ref_psnr), rel=1e-12)
    assert s.value(s.clip_state(sample)) == pytest.approx(np.mean(ref_ssim), rel=1e-10)


@pytest.mark.parametrize("cls", [PSNR, SSIM])
def test_merged_shards_equal_one_pass(cls, make_frames, make_degraded):
    clips = [(make_degraded(make_frames(20 + k, t=2 + k), 30 + k), make_frames(20 + k, t=2 + k)) for k in range(3)]
    m = cls()
    states = [m.clip_state(Sample(gen=g, gt=t)) for g, t in clips]
    merged = m.value(m.merge([m.merge(states[:2]), m.merge(states[2:])]))
    # one pass: every frame of every clip pooled
    all_gen = np.concatenate([g for g, _ in clips])
    all_gt = np.concatenate([t for _, t in clips])
    one = psnr(all_gen, all_gt).mean() if cls is PSNR else ssim(all_gen, all_gt).mean()
    assert merged == pytest.approx(one, rel=1e-12)


def test_gaussian_setting_has_its_own_protocol_and_unknown_window_fails():
    assert SSIM(window="gaussian11").protocol != SSIM().protocol
    assert "gaussian11" in SSIM(window="gaussian11").protocol
    with pytest.raises(EatbenchError, match="did you mean 'gaussian11'"):
        SSIM(window="gausian11")


def test_size_mismatch_and_missing_gt_are_one_line_errors(make_frames, make_degraded):
    a = make_frames(1, 2, 32, 32)
    b = make_frames(1, 2, 48, 48)
    with pytest.raises(InputError, match="32x32 but ground-truth frames are 48x48"):
        PSNR().clip_state(Sample(gen=a, gt=b))
    with pytest.raises(InputError, match="ground-truth video"):
        SSIM().clip_state(Sample(gen=a))
