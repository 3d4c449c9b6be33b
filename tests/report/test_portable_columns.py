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
