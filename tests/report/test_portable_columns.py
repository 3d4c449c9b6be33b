"""Tables I and II gain the portable profile's columns when series were scored with `--profile portable`,
ranked as each metric says (ratios to the ground truth by their distance from 1), with the judges named."""

from __future__ import annotations

from report_fill import add_series

from eatbench.report import tables
from eatbench.report.tables.table1 import METRICS, PORTABLE


def _row(md: str, label: str) -> list[str]:
    line = next(ln for ln in md.splitlines() if ln.startswith(f"| {label} |"))
    return [c.strip() for c in line.strip("|").split("|")][1:]


def test_table1_adds_portable_columns_only_when_measured(store):
    add_series(store, "makeittalk", {"psnr": 25.0}, profile="demo")
    md = tables.to_markdown(tables.build_table(1, store, ["demo"], published=False))
    assert "LipCorr" not in md and len(_row(md, "MakeItTalk")) == 1 + len(METRICS)
    # Two compared methods scored by the portable judges; MouthDyn 0.8 is closer to 1 than 1.5 is.
    vals = {"eatface": [0.90, 0.60, 0.10, 0.8, 1.2, 0.9], "emogen": [0.95, 0.40, 0.30, 1.5, 0.5, 1.0]}
    for m, v in vals.items():
        add_series(store, m, dict(zip(PORTABLE, v, strict=True)), profile="portable", emotion_controlled=True)
    add_series(store, "ground-truth", dict(zip(PORTABLE, [0.99, 0.57, 0.2, 1, 1, 1], strict=True)), kind="reference")
    md = tables.to_markdown(tables.build_table(1, store, ["demo"], published=False))
    assert "**CSIM-P↑** | **LipCorr↑** | **SilentLip↓** | **MouthDyn→1** | **BlinkRate→1** | **HeadMotion→1** |" in md
    eat, emo = _row(md, "EAT-Face")[-6:], _row(md, "EmoGen")[-6:]
    assert eat[0] == "<u>0.9000</u>" and emo[0] == "**0.9500**"  # CSIM-P: higher is better
    assert eat[1] == "**0.6000**" and eat[2] == "**0.1000**"  # LipCorr ↑, SilentLip ↓
    assert eat[3] == "**0.8000**" and emo[3] == "<u>1.5000</u>"  # |log 0.8| < |log 1.5|
    assert eat[4] == "**1.2000**" and emo[5] == "**1.0000**"
    assert "Portable judges" in md and "Judge profile: portable — portable judges that pip installs" in md
    assert "→1: a ratio to the ground truth, best at 1" in md
    tex = tables.to_latex(tables.build_table(1, store, ["demo"], published=False))
    assert r"MouthDyn$\rightarrow$1" in tex and "→" not in tex  # pdflatex has no glyph for the raw arrow


def test_a_label_scored_by_both_profiles_shows_both_sets_of_columns_each_from_its_own_judges(store):
    """The demo reproduction then `run --profile portable`: the paper's columns stay, the portable ones join."""
    add_series(store, "eatface", {"lse-d": 7.0, "psnr": 20.0, "csim-portable": "needs the portable profile"})
    add_series(
        store, "eatface", {"psnr": 99.0, "lse-d": "no SyncNet in the portable profile", **dict.fromkeys(PORTABLE, 0.5)},
        profile="portable",
    )  # fmt: skip
    add_series(store, "static-frame", {"lse-d": 9.0}, kind="reference")  # demo only: no portable cells
    table = tables.build_table(1, store, ["demo"], published=False)
    md = tables.to_markdown(table)
    row = _row(md, "EAT-Face")
    assert (
        row[1 + METRICS.index("lse-d")] == "**7.0000**" and row[1 + METRICS.index("psnr")] == "**20.0000**"
    )  # demo's own
    assert row[-len(PORTABLE) :] == ["**0.5000**"] * len(PORTABLE)  # from the portable series
    assert _row(md, "static-frame")[-len(PORTABLE) :] == ["—"] * len(PORTABLE)
    assert "Judge profile: demo" in md and "Judge profile: portable" in md
    # a newer demo series does not lose the portable columns, and only its own values change
    add_series(store, "eatface", {"lse-d": 6.5, "psnr": 21.0})
    row = _row(tables.to_markdown(tables.build_table(1, store, ["demo"], published=False)), "EAT-Face")
    assert row[1 + METRICS.index("lse-d")] == "**6.5000**" and row[-len(PORTABLE) :] == ["**0.5000**"] * len(PORTABLE)


def test_portable_columns_join_only_from_a_series_of_the_same_videos(store):
    """Retrained weights, then `make demo` again: the portable series of the old weights' videos is not
    shown beside the new videos' demo columns (it was, as if the new model had been scored by both)."""
    add_series(store, "eatface", {"lse-d": 7.0}, videos=("old1", "old2"))
    add_series(store, "eatface", dict.fromkeys(PORTABLE, 0.5), profile="portable", videos=("old1", "old2"))
    add_series(store, "eatface", {"lse-d": 6.5}, videos=("new1", "new2"))
    md = tables.to_markdown(tables.build_table(1, store, ["demo"], published=False))
    assert _row(md, "EAT-Face")[1 + METRICS.index("lse-d")] == "**6.5000**"
    assert "LipCorr" not in md and "Judge profile: portable" not in md  # no portable column at all
    # the new videos scored by the portable judges too: both sets again
    add_series(store, "eatface", dict.fromkeys(PORTABLE, 0.7), profile="portable", videos=("new1", "new2"))
    row = _row(tables.to_markdown(tables.build_table(1, store, ["demo"], published=False)), "EAT-Face")
    assert row[1 + METRICS.index("lse-d")] == "**6.5000**" and row[-len(PORTABLE) :] == ["**0.7000**"] * len(PORTABLE)
    # a newest series of other videos, scored by the portable judges only, is what the row reports
    add_series(store, "eatface", dict.fromkeys(PORTABLE, 0.9), profile="portable", videos=("newer1",))
    row = _row(tables.to_markdown(tables.build_table(1, store, ["demo"], published=False)), "EAT-Face")
    assert row[1 + METRICS.index("lse-d")] == "—" and row[-len(PORTABLE) :] == ["**0.9000**"] * len(PORTABLE)


def test_table2_shows_a_portable_series_beside_the_paper_without_a_difference(store):
    per = {"happy": 80.0, "sad": 40.0}
    add_series(
        store,
        "eatface",
        {"emo-acc-portable": (60.0, 4, 4, 0, {"per_emotion": per})},
        dataset="mead",
        profile="portable",
        emotion_controlled=True,
    )
    md = tables.to_markdown(tables.build_table(2, store, ["mead"]))
    assert "| Emotion | EAT-Face (Emo-Acc-P)↑ | EAT-Face (paper) | Δ |" in md
    # No difference is taken to the paper's VGG-16 numbers: other judge, other classes.
    assert _row(md, "Happy") == ["80.00", "81.41", "—"] and _row(md, "Average") == ["60.00", "74.57", "—"]
    assert "contempt has none and is excluded" in md


def test_table2_gives_a_series_scored_by_both_emotion_judges_two_columns(store):
    per_demo, per_fer = {"happy": 90.0, "sad": 70.0}, {"happy": 60.0, "sad": 20.0}
    add_series(store, "eatface", {"emo-acc": (80.0, 4, 4, 0, {"per_emotion": per_demo})}, emotion_controlled=True)
    add_series(
        store, "eatface", {"emo-acc-portable": (40.0, 4, 4, 0, {"per_emotion": per_fer})}, profile="portable",
        emotion_controlled=True,
    )  # fmt: skip
    add_series(store, "eatface", {"emo-acc": (10.0, 4, 4, 0, {"per_emotion": {"happy": 10.0}})}, variant="w/o-Emo",
               emotion_controlled=True)  # fmt: skip
    md = tables.to_markdown(tables.build_table(2, store, ["demo"], published=False))
    assert "| Emotion | EAT-Face↑ | EAT-Face (Emo-Acc-P)↑ | EAT-Face (w/o-Emo)↑ |" in md
    assert _row(md, "Happy") == ["90.00", "60.00", "10.00"]  # demo judge, fer's judge, the variant (demo)
    assert _row(md, "Sad") == ["70.00", "20.00", "—"] and _row(md, "Average") == ["80.00", "40.00", "10.00"]
    assert "contempt has none and is excluded" in md
