"""Tables I-IV: ranks, gaps, n/a reasons, published numbers and differences, both formats."""

from __future__ import annotations

import pytest
from report_fill import add_series

from eatbench.report import tables
from eatbench.report.study import parse_ratings_csv

T1 = ("psnr", "ssim", "cpbd", "lpips", "fid", "lse-d", "lse-c", "csim")


def _row(md: str, label: str) -> list[str]:
    line = next(ln for ln in md.splitlines() if ln.startswith(f"| {label} |"))
    return [c.strip() for c in line.strip("|").split("|")][1:]


@pytest.fixture
def filled(store):
    vals = {
        "eatface": [30.0, 0.90, 0.30, 0.05, 20.0, 9.0, 5.0, 0.80],
        "makeittalk": [25.0, 0.95, 0.10, 0.04, 30.0, 8.0, 6.0, 0.70],
        "emogen": [20.0, 0.60, 0.20, 0.20, 10.0, 10.0, 4.0, 0.90],
    }
    for m, v in vals.items():
        metrics = dict(zip(T1, v, strict=True))
        if m == "emogen":
            metrics["psnr"] = (20.0, 3, 4, 1)  # one clip failed to generate
            metrics["fid"] = "pt_inception-2015-12-05-6726825d.pth not found in /w"
        add_series(store, m, metrics, emotion_controlled=m != "makeittalk")
    add_series(store, "ground-truth", dict(zip(T1, [100.0, 1, 0.3, 0, 0, 7, 8, 1], strict=True)), kind="reference")
    return store


def test_table1_ranks_gaps_and_reasons(filled):
    md = tables.to_markdown(tables.build_table(1, filled, ["demo"], published=False))
    eat, mit, emo, gt = (_row(md, n) for n in ("EAT-Face", "MakeItTalk", "EmoGen", "ground-truth"))
    assert eat[0] == "✓" and mit[0] == "✗"
    # PSNR (higher better): EAT-Face best, MakeItTalk second, EmoGen marked as partial
    assert eat[1] == "**30.0000**" and mit[1] == "<u>25.0000</u>" and emo[1] == "20.0000<sup>†</sup>"
    # LPIPS (lower better): MakeItTalk best, EAT-Face second
    assert mit[4] == "**0.0400**" and eat[4] == "<u>0.0500</u>"
    # FID: EmoGen is n/a with a reason; the two others are ranked
    assert emo[5] == "n/a<sup>a</sup>" and eat[5] == "**20.0000**" and mit[5] == "<u>30.0000</u>"
    # reference rows are never ranked
    assert gt[1] == "100.0000" and "ground-truth" in md.split("EmoGen")[1]
    assert "(a) n/a: pt_inception-2015-12-05-6726825d.pth not found in /w" in md
    assert "EmoGen PSNR: 3 of 4 clips (1 failed)" in md
    assert "Judge profile: demo" in md and "PSNR: protocol psnr/v1." in md
    assert "| **Method** | **w/Emo.** | **PSNR↑** |" in md and "Reconstruction Quality" in md


def test_table1_published_rows_and_differences(filled):
    add_series(
        filled, "eatface", dict(zip(T1, [31.0, 0.9, 0.3, 0.05, 20.0, 9.0, 5.0, 0.8], strict=True)), dataset="mead"
    )
    md = tables.to_markdown(tables.build_table(1, filled, ["mead"]))
    pub = _row(md, "*EAT-Face (paper)*")
    assert pub[1] == "**32.6131**" and pub[5] == "**15.7736**"
    delta = _row(md, "*Δ EAT-Face (measured − paper)*")
    assert delta[1] == f"{31.0 - 32.6131:+.4f}" and delta[5] == f"{20.0 - 15.7736:+.4f}"
    # demo clips shown beside the paper's MEAD rows: no difference is computed across datasets
    md = tables.to_markdown(tables.build_table(1, filled, ["demo"], compare_to="mead"))
    assert "demo (published: mead)" in md and "*EAT-Face (paper)*" in md and "Δ" not in md.split("- ")[0]
    assert "Δ (measured − paper) only where the clips come from the paper's dataset; not for demo." in md
    # without a paper dataset, no published rows are printed
    assert "(paper)" not in tables.to_markdown(tables.build_table(1, filled, ["demo"]))


def test_a_block_is_labelled_with_the_dataset_its_clips_came_from(store, tmp_path):
    """The MEAD adapter on the demo corpus (a series stored as ``mead``) is a demo block, with no Δ."""
    demo_tree = tmp_path / "MEAD"
    demo_tree.mkdir()
    (demo_tree / "demo.json").write_text("{}")  # the demo corpus's manifest
    psnr = {"psnr": 28.0}
    add_series(store, "eatface", psnr, dataset="mead", config={"root": str(demo_tree)})  # stored before clip_dataset
    add_series(store, "static-frame", psnr, dataset="mead", config={"clip_dataset": "demo"})
    add_series(store, "makeittalk", {"psnr": 25.0}, dataset="mead", config={"clip_dataset": "mead"})
    add_series(store, "ground-truth", {"psnr": 100.0}, dataset="demo", kind="reference")
    md = tables.to_markdown(tables.build_table(1, store, ["demo", "mead"]))
    headings = [ln.split("***")[1] for ln in md.splitlines() if ln.startswith("| ***")]
    assert headings == ["demo", "mead", "demo (run as --dataset mead)"]
    blocks = md.split("| ***")
    assert "ground-truth" in blocks[1] and "EAT-Face" in blocks[3] and "static-frame" in blocks[3]
    assert "MakeItTalk |" in blocks[2] and "(paper)" in blocks[2] and "(paper)" not in blocks[3]
    deltas = [ln for ln in md.splitlines() if ln.startswith("| *Δ")]
    assert (
        deltas
        == [ln for ln in blocks[2].splitlines() if ln.startswith("| *Δ")]
        == [f"| *Δ MakeItTalk (measured − paper)* |  | {25.0 - 25.7035:+.4f} | — | — | — | — | — | — | — |"]
    )


def test_table2_and_table4_compare_with_the_paper_only_on_its_dataset(store):
    per = {"angry": 75.0}
    add_series(store, "eatface", {"emo-acc": (62.5, 4, 4, 0, {"per_emotion": per})}, emotion_controlled=True)
    add_series(store, "eatface", {"emo-acc": 25.0}, variant="w/o-EVE", emotion_controlled=True)
    md2 = tables.to_markdown(tables.build_table(2, store, ["demo"]))
    assert _row(md2, "Angry") == ["75.00", "—", "82.51"] and "No Δ: the measured clips come from demo" in md2
    md4 = tables.to_markdown(tables.build_table(4, store, ["demo"]))
    assert "*w/o EVE (paper)*" in md4 and "| *Δ" not in md4 and "No Δ: the measured clips come from demo" in md4
    add_series(store, "eatface", {"emo-acc": 20.0}, variant="w/o-EVE", dataset="mead", emotion_controlled=True)
    md4 = tables.to_markdown(tables.build_table(4, store, ["mead"]))
    assert _row(md4, "*Δ w/o-EVE (measured − paper)*")[4] == f"{20.0 - 62.88:+.2f}"


def test_a_table_of_one_dataset_refuses_several(store):
    from eatbench.errors import EatbenchError

    with pytest.raises(EatbenchError, match="table 2: one --dataset at a time, got demo,mead"):
        tables.build_table(2, store, ["demo", "mead"])


def test_latex_is_booktabs_with_grouped_headers(filled):
    tex = tables.to_latex(tables.build_table(1, filled, ["demo"], compare_to="mead"))
    for piece in (
        r"\toprule",
        r"\midrule",
        r"\bottomrule",
        r"\multicolumn{3}{c}{Reconstruction Quality}",
        r"\cmidrule(lr){3-5}",
        r"PSNR$\uparrow$",
        r"LPIPS$\downarrow$",
        r"\textbf{30.0000}",
        r"\underline{25.0000}",
        r"\checkmark",
        r"n/a$^{a}$",
        r"20.0000$^\dagger$",
    ):
        assert piece in tex, piece
    assert tex.count(r"\\") >= 12 and "_" not in tex.replace(r"\_", "")


def test_table2_per_emotion_average_and_paper(store):
    per = {"angry": 75.0, "happy": 50.0}
    add_series(
        store, "eatface", {"emo-acc": (62.5, 4, 4, 0, {"per_emotion": per})}, dataset="mead", emotion_controlled=True
    )
    md = tables.to_markdown(tables.build_table(2, store, ["mead"]))
    assert _row(md, "Angry") == ["75.00", "82.51", f"{75 - 82.51:+.2f}"]
    assert _row(md, "Average") == ["62.50", "74.57", f"{62.5 - 74.57:+.2f}"]


def test_judge_held_out_accuracy_is_printed_under_the_table(store):
    from eatbench.judges.judge_data import read_training
    from eatbench.judges.weights import resolve_weights

    add_series(
        store, "eatface", {"emo-acc": (62.5, 4, 4, 0, {"per_emotion": {"angry": 62.5}})}, emotion_controlled=True
    )
    md = tables.to_markdown(tables.build_table(2, store, ["demo"]))
    # The shipped demo emotion judge's own record, read independently of the table code.
    accuracy = read_training(resolve_weights("emotion-judge", "demo"))["held_out_accuracy"]
    assert f"Emo-Acc judge (demo emotion-judge): held-out accuracy {100 * accuracy:.1f}%" in md


RATINGS = """participant,method,clip,question,score,vote
p1,eatface,A_happy_2_001_front,emo,8,
p2,eatface,A_happy_2_001_front,emo,6,
p1,makeittalk,A_happy_2_001_front,emo,4,
p1,eatface,A_happy_2_001_front,tend,,1
p2,eatface,A_happy_2_001_front,tend,,0
p1,eatface[w/o-EVE],A_happy_2_001_front,tend,,1
"""


def test_table3_and_table4_from_ratings(store):
    store.put_ratings(parse_ratings_csv(RATINGS), "r.csv")
    md3 = tables.to_markdown(tables.build_table(3, store, []))
    eat = _row(md3, "EAT-Face")
    assert eat[0] == "**7.000 ± 1.000**" and eat[4] == "2"  # mean 7, sd of (8, 6)/√2 = 1
    assert _row(md3, "MakeItTalk")[0] == "<u>4.000 ± —</u>"
    assert _row(md3, "*Δ EAT-Face (measured − paper)*")[0] == f"{7 - 8.19:+.3f}"
    # two participants (8 and 6): every resample's mean is 6, 7 or 8, and a quarter of them each end
    assert "EAT-Face: 95% bootstrap CI over participants: Emo. [6.00, 8.00]" in md3
    add_series(store, "eatface", {"emo-acc": 50.0}, emotion_controlled=True)
    add_series(store, "eatface", {"emo-acc": 25.0}, variant="w/o-EVE", emotion_controlled=True)
    md4 = tables.to_markdown(tables.build_table(4, store, ["demo"]))
    assert _row(md4, "Ours (full)") == ["✓", "✓", "✓", "✓", "**50.00**", "<u>50.00</u>"]
    assert _row(md4, "w/o-EVE") == ["✓", "✗", "✓", "✓", "<u>25.00</u>", "**100.00**"]
    assert _row(md4, "w/o-FEC")[4:] == ["—", "n/a<sup>a</sup>"]
    assert "(a) n/a: no tendency votes imported" in md4
    # eatface: p1 voted yes, p2 no -> resampled means 0, 50, 100 with a quarter of the draws at each end
    assert "Tend. of Ours: 2 participant(s), 2 votes, 95% bootstrap CI [0.00, 100.00]." in md4
    assert "Tend. of w/o-EVE: 1 participant(s), 1 votes, 95% bootstrap CI [100.00, 100.00]." in md4


def test_empty_store_tables_say_what_to_run(store):
    assert "No ratings imported" in tables.to_markdown(tables.build_table(3, store, []))
    assert "eatbench ablate VARIANT --dataset demo" in tables.to_markdown(tables.build_table(4, store, ["demo"]))
    assert "EAT-Face (paper)" in tables.to_markdown(tables.build_table(1, store, ["mead"]))


def test_table1_notes_where_syncnet_put_each_series(store):
    add_series(store, "ground-truth", {"lse-d": (7.0, 4, 4, 0, {"offsets": {"0": 4}})}, kind="reference")
    add_series(store, "shifted-audio", {"lse-d": (9.0, 4, 4, 0, {"offsets": {"-6": 3, "2": 1}})}, kind="reference")
    md = tables.to_markdown(tables.build_table(1, store, ["demo"], published=False))
    note = next(ln for ln in md.splitlines() if "SyncNet AV offset" in ln)
    assert "ground-truth 0: 4" in note and "shifted-audio -6: 3, +2: 1" in note


def test_table1_leaves_out_series_without_its_metrics(filled):
    add_series(filled, "eatface", {"emo-acc": 20.0}, variant="w/o-EVE", emotion_controlled=True)
    md = tables.to_markdown(tables.build_table(1, filled, ["demo"], published=False))
    assert "w/o-EVE" not in md and "| EAT-Face |" in md
