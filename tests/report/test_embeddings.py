"""Figs. 5 and 7 embeddings from a (tiny, untrained) EAT-Face on a generated demo corpus's test split.

Checks from outside the code: Eq. 7 is linear in its two terms, so for one reference x_r the Fig. 5
condition minus α times the Fig. 7 text embedding A_e(E_CT(e)) is the same vector (1 − α) A_v(E_CI(x_r))
for every emotion e; the files are the layouts the report's figure code reads (it draws them); labels
follow the dataset's clips; two runs give identical bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from eatbench.errors import EatbenchError, MissingWeightsError

EMOS = ["angry", "happy", "sad"]


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """(home, demo root, weights folder): a private home holding a tiny full pipeline at the default path."""
    from eatbench.datasets.demo import generate_corpus
    from eatface import build_pipeline, get_preset

    base = tmp_path_factory.mktemp("analysis")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EATBENCH_HOME", str(base / "home"))
        mp.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", base / "no-shipped-weights")
        root = generate_corpus(base / "MEAD", seed=0, actors=["M003"], emotions=EMOS, sentences=4, workers=1)
        weights = base / "home" / "eatface" / "tiny"  # where `eatbench train` puts the full tiny model
        build_pipeline(get_preset("tiny")).save_pretrained(weights)
        yield base / "home", root, weights


@pytest.fixture(scope="module")
def files(setting, tmp_path_factory):
    from eatbench.report.embeddings import figure_embeddings

    out = tmp_path_factory.mktemp("emb")
    return figure_embeddings("demo", setting[1], out, per_emotion=2, frames_per_clip=3)


def test_fig5_is_eq7_for_every_reference_and_emotion(files, setting):
    from eatbench.datasets.registry import get_dataset
    from eatface import EATFacePipeline

    f5, f7 = np.load(files["fig5"]), np.load(files["fig7"])
    test = sorted(c.clip_id for c in get_dataset("demo", setting[1]).clips("test"))
    assert sorted(set(f5["clip_ids"])) == test and len(test) >= len(EMOS)  # every test clip of these emotions
    assert list(f7["emotions"]) == EMOS
    alpha = EATFacePipeline.from_pretrained(setting[2]).eve.config.alpha
    h_e, labels, ids = f5["embeddings"], f5["labels"], f5["clip_ids"]
    assert h_e.shape == (len(test) * len(EMOS), 16 * 16) and h_e.dtype == np.float32
    for clip_id in test:
        rows = ids == clip_id
        assert sorted(labels[rows]) == EMOS  # each reference paired with every emotion
        text = f7["text_after"][[EMOS.index(e) for e in labels[rows]]]
        identity = h_e[rows] - alpha * text  # (1 − α) A_v(E_CI(x_r)), whatever the emotion
        np.testing.assert_allclose(identity, np.broadcast_to(identity[0], identity.shape), atol=1e-5)
    # different references give different identity terms
    a, b = (h_e[(ids == c) & (labels == "happy")][0] for c in test[:2])
    assert not np.allclose(a, b)


def test_fig7_layout_labels_and_the_report_draws_both(files, tmp_path):
    from eatbench.report import figures

    d = figures.load_npz(
        files["fig7"], ("text_before", "visual_before", "text_after", "visual_after", "labels", "emotions")
    )
    n = len(d["labels"])
    assert d["text_before"].shape == (3, 256) and d["visual_before"].shape == (n, 256)  # P = 256 (tiny CLIP)
    assert d["text_after"].shape == (3, 256) and d["visual_after"].shape == (n, 256)  # h·w = 16²
    clip_ids = np.load(files["fig7"])["clip_ids"]
    assert n == 3 * len(set(clip_ids))  # frames_per_clip frames of every clip
    for cid, label in zip(clip_ids, d["labels"], strict=True):
        assert cid.split("_")[1] == label  # clip ids are {actor}_{emotion}_{level}_{sentence}_{view}
    assert not np.allclose(d["visual_before"][0], d["visual_before"][1])  # distinct frames
    r7 = figures.fig7_heatmaps(*(d[k] for k in list(d)[:5]), list(d["emotions"]), tmp_path / "fig7")
    assert r7["before"].shape == (3, 3) and np.allclose(r7["before"].sum(axis=1), 1)
    d5 = figures.load_npz(files["fig5"], ("embeddings", "labels"))
    r5 = figures.fig5_tsne(d5["embeddings"], d5["labels"], tmp_path / "fig5")
    assert all(p.is_file() for p in r5["paths"] + r7["paths"]) and -1 <= r5["silhouette"] <= 1


def test_deterministic_and_own_emotion_conditions(files, setting, tmp_path):
    from eatbench.report.embeddings import figure_embeddings

    again = figure_embeddings(
        "demo", setting[1], tmp_path / "again", weights=setting[2], per_emotion=2, frames_per_clip=3
    )
    for key in ("fig5", "fig7"):
        a, b = np.load(files[key]), np.load(again[key])
        for name in ("embeddings", "labels") if key == "fig5" else ("visual_after", "text_after", "labels"):
            assert np.array_equal(a[name], b[name])
    own = np.load(
        figure_embeddings(
            "demo", setting[1], tmp_path / "own", weights=setting[2], per_emotion=2, conditions="own-emotion"
        )["fig5"]
    )
    full = np.load(files["fig5"])
    assert len(own["labels"]) == len(set(full["clip_ids"]))  # one condition per clip
    for cid, label, row in zip(own["clip_ids"], own["labels"], own["embeddings"], strict=True):
        assert cid.split("_")[1] == label  # the clip's own emotion
        match = (full["clip_ids"] == cid) & (full["labels"] == label)
        np.testing.assert_allclose(full["embeddings"][match][0], row, rtol=1e-5, atol=1e-6)  # other batch shape


def test_no_weights_or_a_variant_is_one_line(setting, tmp_path, monkeypatch):
    from eatbench.report.embeddings import figure_embeddings
    from eatface import build_pipeline, get_preset

    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path))
    monkeypatch.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", tmp_path / "none")
    with pytest.raises(MissingWeightsError, match="eatbench train all --preset tiny --dataset demo"):
        figure_embeddings("demo", setting[1], tmp_path / "out")
    wo_emo = tmp_path / "wo-emo"
    build_pipeline(get_preset("tiny", ablation="w/o-Emo")).save_pretrained(wo_emo)
    with pytest.raises(EatbenchError, match="holds variant w/o-Emo, not full"):
        figure_embeddings("demo", setting[1], tmp_path / "out", weights=wo_emo)
    assert not (tmp_path / "out").exists()


def test_reproduce_draws_figs_5_and_7_from_the_default_weights(setting, tmp_path, monkeypatch):
    from eatbench.report.reproduce import ReproduceReport, _figures
    from eatbench.store import ResultsStore

    home, root, _ = setting
    monkeypatch.setenv("EATBENCH_HOME", str(home))
    monkeypatch.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", Path(tmp_path) / "none")
    report = ReproduceReport(tmp_path / "results")
    _figures(report, ResultsStore(tmp_path / "r.db"), "demo", root, None, len(EMOS))
    assert "Fig. 5" not in report.missing_figures and "Fig. 7" not in report.missing_figures, report.missing_figures
    assert "silhouette" in report.figure_numbers["Fig. 5"] and "diagonal mass" in report.figure_numbers["Fig. 7"]
    assert (tmp_path / "results" / "embeddings" / "fig7.npz").is_file()


def test_reproduce_limit_gives_the_figures_the_tables_clips(setting, tmp_path, monkeypatch):
    from eatbench.clip import balanced_subset
    from eatbench.datasets.registry import get_dataset
    from eatbench.report.reproduce import ReproduceReport, _figures
    from eatbench.store import ResultsStore

    home, root, _ = setting
    monkeypatch.setenv("EATBENCH_HOME", str(home))
    monkeypatch.setattr("eatbench.methods.eatface.PACKAGE_WEIGHTS", Path(tmp_path) / "none")
    _figures(ReproduceReport(tmp_path / "results"), ResultsStore(tmp_path / "r.db"), "demo", root, None, len(EMOS))
    tables = {c.clip_id for c in balanced_subset(get_dataset("demo", root).clips("test"), len(EMOS))}
    f5 = np.load(tmp_path / "results" / "embeddings" / "fig5.npz")
    assert set(f5["clip_ids"]) == tables and len(tables) == len(EMOS)  # one clip per emotion, as the tables
