"""What others read carries no path of the machine that wrote it, and names the commit it was made from."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from report_fill import add_series

from eatbench.report import tables
from eatbench.report.portable import portable
from eatbench.report.reproduce import Outcome, ReproduceReport, _write_index, made_from

ROOT = Path(__file__).resolve().parents[2]
MACHINE_PATH = re.compile(r"(?<![\w$~.])/(?:work|root|home|Users|tmp|var/folders)/[\w.-]+")


def test_known_paths_become_their_names(monkeypatch, tmp_path):
    home = tmp_path / "eb"
    monkeypatch.setenv("EATBENCH_HOME", str(home))
    monkeypatch.delenv("EATBENCH_WEIGHTS", raising=False)
    text = f"not found in {home}/weights, {home}2/weights, {Path.home()}/.cache/torch; see {ROOT}/results/demo"
    assert portable(text) == f"not found in $EATBENCH_HOME/weights, {home}2/weights, ~/.cache/torch; see ./results/demo"
    monkeypatch.setenv("EATBENCH_WEIGHTS", str(tmp_path / "w"))
    assert portable(f"{tmp_path}/w/x.pth and {home}") == "$EATBENCH_WEIGHTS/x.pth and $EATBENCH_HOME"


def test_table_notes_name_no_machine_path(store, monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("EATBENCH_HOME", str(home))
    reason = f"alexnet-owt-7be5be79.pth not found in {home}/weights; place it in {home}/weights"
    add_series(store, "eatface", {"psnr": 30.0, "lpips": reason})
    for fmt in ("markdown", "latex"):
        text = tables.render(tables.build_table(1, store, ["demo"]), fmt)
        assert str(tmp_path) not in text
        assert "not found in $EATBENCH_HOME/weights; place it in $EATBENCH_HOME/weights" in text.replace(
            r"\$", "$"
        ).replace(r"\_", "_")


def test_reproduce_index_names_no_machine_path(monkeypatch, tmp_path):
    home = tmp_path / "home"
    monkeypatch.setenv("EATBENCH_HOME", str(home))
    report = ReproduceReport(tmp_path / "out")
    report.out.mkdir()
    report.outcomes = [Outcome("makeittalk", False, f"set `repo` under [makeittalk] in {home}/baselines.toml")]
    report.missing_figures = {"Fig. 5": f"no fig5.npz in {home}/emb"}
    _write_index(report, "demo", f"eatbench reproduce --out {home}/scratch/repro", "demo")
    for name in ("README.md", "reproduce.json"):
        text = (report.out / name).read_text()
        assert str(tmp_path) not in text, name
        assert "$EATBENCH_HOME/baselines.toml" in text and "$EATBENCH_HOME/emb" in text
    assert "`eatbench reproduce --out $EATBENCH_HOME/scratch/repro`" in (report.out / "README.md").read_text()
    assert json.loads((report.out / "reproduce.json").read_text())["commit"] == made_from(report.out)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_made_from_ignores_the_outputs_being_written(tmp_path):
    repo = tmp_path / "repo"
    (repo / "results" / "demo").mkdir(parents=True)
    (repo / "code.py").write_text("a = 1\n")
    (repo / "results" / "demo" / "table1.md").write_text("old\n")
    _git(repo.parent, "init", "-q", str(repo))
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    head = _git(repo, "rev-parse", "HEAD")
    (repo / "results" / "demo" / "table1.md").write_text("new\n")  # the reproduction rewrites its outputs
    assert made_from(repo / "results" / "demo", repo) == head
    (repo / "code.py").write_text("a = 2\n")  # the code differs from the commit
    assert made_from(repo / "results" / "demo", repo) == f"{head}-dirty"
    assert made_from(tmp_path / "elsewhere", tmp_path / "not-a-repo").startswith("uncommitted")


def test_committed_outputs_name_no_machine_path():
    files = [
        ROOT / "README.md",
        *(p for p in (ROOT / "results").rglob("*") if p.suffix in (".md", ".json", ".tex", ".html")),
    ]
    found = {str(p.relative_to(ROOT)): m.group(0) for p in files for m in [MACHINE_PATH.search(p.read_text())] if m}
    assert found == {}


def test_committed_reproduction_names_the_commit_whose_code_made_it():
    readme = ROOT / "results" / "demo" / "README.md"
    m = re.search(r"eatbench git ([0-9a-f]{40}(?:-dirty)?|uncommitted[^)]*)", readme.read_text())
    assert m, "results/demo/README.md names no commit"
    named = m.group(1)
    assert not named.startswith("uncommitted") and not named.endswith("-dirty"), named
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{named}^{{commit}}"]).returncode:
        pytest.skip(f"commit {named} is not in this (shallow) clone")
    holder = _git(ROOT, "log", "-1", "--format=%H", "--", "results/demo/README.md")
    # the commit that holds the outputs differs from the one they were made from in outputs and docs only
    changed = _git(ROOT, "diff", "--name-only", named, holder).splitlines()
    assert [f for f in changed if not (f.startswith("results/") or f.endswith(".md"))] == []
