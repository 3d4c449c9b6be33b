"""Figs. 5-7: files written, and the numbers they print checked against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eatbench.errors import EatbenchError
from eatbench.report import figures
from eatbench.report.study import parse_ratings_csv

EMO = ["angry", "happy", "sad"]


def _written(paths) -> None:
    png, pdf = paths
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.read_bytes()[:5] == b"%PDF-"


def test_fig5_silhouette_separates_clusters_from_noise(tmp_path):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 16)) * 10
    labels = np.repeat(EMO, 12)
    x = centres[np.repeat(np.arange(3), 12)] + rng.normal(size=(36, 16))
    good = figures.fig5_tsne(x, labels, tmp_path / "fig5")
    _written(good["paths"])
    assert good["silhouette"] > 0.8 and good["silhouette_2d"] > 0.5
    mixed = figures.fig5_tsne(x, rng.permutation(labels), tmp_path / "fig5_mixed")
    assert abs(mixed["silhouette"]) < 0.15
    with pytest.raises(EatbenchError, match="at least 2 emotions"):
        figures.fig5_tsne(x[:5], ["happy"] * 5, tmp_path / "x")


def test_fig7_softmax_and_diagonal_mass_by_hand(tmp_path):
    text = np.eye(2)
    visual = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    labels = np.array(["angry", "happy", "happy"])
    m = figures.similarity_softmax(text, visual, labels, ["angry", "happy"], tau=0.5)
    p_match = math.exp(2) / (math.exp(2) + 1)  # cos 1 vs 0 at tau 0.5
    assert m[0] == pytest.approx([p_match, 1 - p_match])
    assert m[1] == pytest.approx([(1 - p_match + 0.5) / 2, (p_match + 0.5) / 2])  # (0,1) and (1,1) averaged
    assert figures.diagonal_mass(m) == pytest.approx((p_match + (p_match + 0.5) / 2) / 2)

    rng = np.random.default_rng(1)
    t = rng.normal(size=(3, 32))
    labels = np.repeat(EMO, 5)
    aligned = t[np.repeat(np.arange(3), 5)] + 0.1 * rng.normal(size=(15, 32))
    out = figures.fig7_heatmaps(
        rng.normal(size=(3, 32)), rng.normal(size=(15, 32)), t, aligned, labels, EMO, tmp_path / "fig7"
    )
    _written(out["paths"])
    assert out["diagonal_after"] > 0.9 > 0.6 > out["diagonal_before"]
    assert out["before"].sum(axis=1) == pytest.approx(np.ones(3))


def test_fig6_bars_from_ratings(tmp_path):
    csv = "participant,method,clip,question,score,vote\n"
    csv += "p1,eatface,A_happy_2_001_front,tend,,1\np2,eatface,A_happy_2_001_front,tend,,0\n"
    csv += "p1,eatface,A_sad_2_001_front,tend,,1\np1,eatface,A_sad_2_001_front,emo-de,,\n".replace(
        "emo-de,,", "emo-de,7,"
    )
    csv += (
        "p2,eatface,A_sad_2_001_front,real,5,\np2,eatface,A_sad_2_001_front,nat,6,\np1,other,A_sad_2_001_front,nat,1,\n"
    )
    out = figures.fig6_user_study(parse_ratings_csv(csv), tmp_path / "fig6")
    _written(out["paths"])
    assert out["means"]["tend"] == {"happy": 50.0, "sad": 100.0}
    assert out["average"]["tend"] == pytest.approx(200 / 3) and out["average"]["nat"] == 6.0
    assert out["participants"] == 2
    # resampling participants: p1 twice (100 %), p1 and p2 (2 of 3 votes), p2 twice (0 %); nat: p2 alone
    assert out["intervals"]["tend"] == (0.0, 100.0) and out["intervals"]["nat"] == (6.0, 6.0)
    with pytest.raises(EatbenchError, match="no ratings for method 'emogen'"):
        figures.fig6_user_study(parse_ratings_csv(csv), tmp_path / "x", method="emogen")


def test_fig7_labels_stay_beside_their_own_panel():
    from eatbench.report.figures.fig7 import heatmaps_figure

    emotions = ["angry", "contempt", "disgusted", "fear", "happy", "neutral", "sad", "surprised"]
    m = np.full((8, 8), 1 / 8)
    fig = heatmaps_figure(m, m, emotions, (0.125, 0.125), 0.2)
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)  # runs the layout
    a, b = (ax for ax in fig.axes if ax.get_title())
    # everything drawn for panel (a), its labels included, ends left of everything drawn for panel (b)
    assert a.get_tightbbox(renderer).x1 < b.get_tightbbox(renderer).x0
    assert b.yaxis.label.get_window_extent(renderer).x0 > a.get_window_extent(renderer).x1
    figures.pyplot().close(fig)
