"""The commands end to end on a small demo corpus: run, cached re-run, results, study, table, figure, reproduce."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow

RATINGS = """participant,method,clip,question,score,vote
p1,eatface,M003_happy_2_001_front,emo,8,
p2,eatface,M003_happy_2_001_front,emo,7,
p1,static-frame,M003_happy_2_001_front,emo,3,
p1,eatface,M003_happy_2_001_front,tend,,1
p1,eatface,M003_happy_2_001_front,emo-de,7,
p1,eatface,M003_happy_2_001_front,real,6,
p1,eatface,M003_happy_2_001_front,nat,6,
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    from eatbench.datasets.demo import generate_corpus

    home = tmp_path_factory.mktemp("home")
    generate_corpus(home / "demo" / "MEAD", seed=0, actors=["M003"], emotions=["happy", "sad"], sentences=1, workers=1)
    return home


def eatbench(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EATBENCH_")}
    env |= {"EATBENCH_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "eatbench", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_run_rerun_results_and_tables(home, tmp_path):
    args = ("run", "--method", "static-frame", "--dataset", "demo", "--split", "all", "--metrics", "psnr,ssim")
    cold = eatbench(home, *args)
    assert cold.returncode == 0, cold.stderr
    assert "generated 2, reused 0, failed 0, metric values computed 4" in cold.stderr
    assert "2/2 clips" in cold.stderr and "PSNR↑" in cold.stderr
    warm = eatbench(home, *args)
    assert "generated 0, reused 2, failed 0, metric values computed 0" in warm.stderr
    more = eatbench(home, *args[:-1], "psnr,ssim,cpbd")
    assert "metric values computed 2" in more.stderr  # only CPBD, on both clips

    listed = eatbench(home, "results", "list", "--json")
    runs = json.loads(listed.stdout)
    assert [r["status"] for r in runs] == ["finished"] * 3 and runs[0]["config"]["method"] == "static-frame"
    exported = eatbench(home, "results", "export", "--format", "jsonl", "--out", str(tmp_path / "x.jsonl"))
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in (tmp_path / "x.jsonl").read_text().splitlines()]
    assert {(r["metric"], r["status"]) for r in rows} == {("psnr", "ok"), ("ssim", "ok"), ("cpbd", "ok")}
    assert len(rows) == 6 and all(r["video_hash"] for r in rows)
    shown = eatbench(home, "results", "show", "--dataset", "demo")
    assert "static-frame on demo" in shown.stdout and "cpbd" in shown.stdout

    md = eatbench(home, "table", "1", "--dataset", "demo", "--compare-to", "mead")
    assert md.returncode == 0, md.stderr
    assert "| static-frame | ✗ |" in md.stdout and "EAT-Face (paper)" in md.stdout
    tex = eatbench(home, "table", "1", "--dataset", "demo", "--format", "latex", "--out", str(tmp_path / "t1.tex"))
    assert tex.returncode == 0 and r"\toprule" in (tmp_path / "t1.tex").read_text()


def test_bad_names_give_one_line_with_suggestions(home):
    for args, expected in (
        (("run", "--method", "static-fram", "--dataset", "demo"), "did you mean 'static-frame'"),
        (("run", "--method", "static-frame", "--dataset", "demo", "--metrics", "psnr,lpipz"), "did you mean 'lpips'"),
        (("ablate", "w/o-EV", "--dataset", "demo"), "did you mean 'w/o-EVE'"),
        (("run", "--method", "static-frame", "--dataset", "dmo"), "did you mean 'demo'"),
        (("run", "--method", "static-frame", "--dataset", "demo", "--split", "val"), "no clips in split 'val'"),
        (("table", "9"), "unknown table '9' (known: 1, 2, 3, 4)"),
    ):
        res = eatbench(home, *args)
        assert res.returncode == 2, (args, res.stderr)
        last = res.stderr.strip().splitlines()[-1]
        assert last.startswith("error: ") and expected in last, (args, last)


def test_study_import_table3_and_figures(home, tmp_path):
    (tmp_path / "r.csv").write_text(RATINGS)
    imp = eatbench(home, "study", "import", str(tmp_path / "r.csv"))
    assert imp.returncode == 0 and "imported 7 ratings from 2 participants" in imp.stdout
    t3 = eatbench(home, "table", "3")
    assert "| EAT-Face | **7.500 ± 0.500** |" in t3.stdout
    f6 = eatbench(home, "figure", "6", "--out", str(tmp_path / "figs"))
    assert f6.returncode == 0, f6.stderr
    assert (tmp_path / "figs" / "fig6_user_study.png").is_file() and "tend 100.000" in f6.stdout
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(6, 8)) + 5 * i for i in range(2)])
    np.savez(tmp_path / "fig5.npz", embeddings=x, labels=np.array(["happy"] * 6 + ["sad"] * 6))
    f5 = eatbench(home, "figure", "5", "--embeddings", str(tmp_path / "fig5.npz"), "--out", str(tmp_path / "figs"))
    assert f5.returncode == 0 and "silhouette" in f5.stdout and (tmp_path / "figs" / "fig5_tsne.pdf").is_file()


def test_reproduce_writes_everything_and_lists_what_could_not_run(home, tmp_path):
    out = tmp_path / "repro"
    args = ("reproduce", "--dataset", "demo", "--split", "all", "--methods", "ground-truth,static-frame,makeittalk",
            "--out", str(out))  # fmt: skip
    res = eatbench(home, *args)
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    for n in (1, 2, 3, 4):
        assert f"table{n}.md" in names and f"table{n}.tex" in names
    index = (out / "README.md").read_text()
    assert "| makeittalk | no |" in index and "EATBENCH_MAKEITTALK_REPO" in index
    assert "| ground-truth | yes | 2 | 0 |" in index
    assert "Fig. 5: **not produced**" in index and "Fig. 7: **not produced**" in index
    again = eatbench(home, *args)
    assert again.stderr.count("generated 0, reused 2, failed 0, metric values computed 0") == 2
