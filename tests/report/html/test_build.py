"""The HTML report's folder: what it holds, its size budget, and that it never clobbers a folder."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest

from eatbench.errors import EatbenchError, InputError
from eatbench.report.html import media
from eatbench.report.html.build import MARKER, HtmlReportConfig, build_report
from eatbench.report.html.view import read_dataset
from eatbench.store import ResultsStore


@pytest.fixture(scope="module")
def built(html_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "html"
    build_report(HtmlReportConfig(out=out, store=html_store))
    return out


@pytest.mark.slow
def test_every_page_kind_is_written(built: Path, mead):
    _, clips = mead
    assert (built / "index.html").is_file() and (built / MARKER).is_file()
    assert (built / "datasets" / "mead.html").is_file()
    assert sorted(p.stem for p in (built / "clips" / "mead").glob("*.html")) == sorted(c.clip_id for c in clips)
    index = (built / "index.html").read_text()
    for title in ("Table I", "Table II", "Table III", "Table IV"):
        assert title in index
    assert "EAT-Face (paper)" in index  # the paper's rows beside the measured ones


@pytest.mark.slow
def test_grid_values_are_the_stored_per_clip_values(built: Path, html_store: Path):
    view = read_dataset(ResultsStore(html_store, readonly=True), "mead")
    page = (built / "datasets" / "mead.html").read_text()
    # Each cell carries its values as data-m-<metric>; compare with the store, read independently.
    store = ResultsStore(html_store, readonly=True)
    stored_psnr: list[float] = []
    for s in store.list_series("mead"):
        pooled = store.get_pooled(s.series)
        psnr_key = pooled["psnr"].key
        videos = store.get_videos([e.key for e in s.clips])
        per_clip = []
        for e in s.clips:
            rows = [
                r for r in store.list_metric_values() if r.video_hash == videos[e.key].video_hash and r.key == psnr_key
            ]
            assert len(rows) == 1
            per_clip.append(rows[0].value)
            cell = view.cell(s.label, e.clip_id)
            assert cell is not None and cell.values["psnr"] == pytest.approx(rows[0].value)
        # The table's value is the frame-pooled mean; every clip has the same length here, so it is the mean.
        assert np.mean(per_clip) == pytest.approx(pooled["psnr"].value, rel=1e-9)
        stored_psnr += per_clip
    assert len(re.findall(r'<video class="sv"', page)) == 3 * 4
    assert len(re.findall(r"data-m-psnr=", page)) == 3 * 4
    # and the page itself carries those values (not only the view it was rendered from)
    on_page = sorted(float(v) for v in re.findall(r'data-m-psnr="([^"]+)"', page))
    assert on_page == pytest.approx(sorted(stored_psnr), rel=1e-9)


@pytest.mark.slow
def test_previews_are_small_h264(built: Path):
    previews = sorted((built / "media").glob("*.mp4"))
    assert len(previews) == 12
    for p in previews:
        with av.open(str(p)) as c:
            v = c.streams.video[0]
            assert v.codec_context.name == "h264" and (v.width, v.height) == (media.PREVIEW_SIZE, media.PREVIEW_SIZE)
            assert c.streams.audio  # the driving audio plays with the video
            seconds = float(c.duration / av.time_base)
        # The budget: at most 40 KB per second of video at 128 px (AAC at ~68 kb/s is 8.5 KB/s of it).
        assert p.stat().st_size <= 40_000 * seconds, (p, p.stat().st_size, seconds)


@pytest.mark.slow
def test_over_budget_refused_and_old_report_kept(built: Path, html_store: Path, tmp_path: Path):
    out = tmp_path / "html"
    build_report(HtmlReportConfig(out=out, store=html_store))
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(EatbenchError, match="over --budget-mb"):
        build_report(HtmlReportConfig(out=out, store=html_store, budget_mb=0.05))
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


@pytest.mark.slow
def test_refuses_a_folder_that_is_not_a_report(tmp_path: Path, html_store: Path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    with pytest.raises(InputError, match="not an eatbench report"):
        HtmlReportConfig(out=tmp_path / "mine", store=html_store)
    with pytest.raises(InputError, match="even"):
        HtmlReportConfig(out=tmp_path / "x", preview_size=101)
    with pytest.raises(InputError, match="no results stored"):
        build_report(HtmlReportConfig(out=tmp_path / "x", store=html_store, datasets=["crema-d"]))


def test_mouth_opening_by_hand():
    lm = np.zeros((2, 478, 2))
    lm[:, 468] = (10, 50)
    lm[:, 473] = (30, 50)  # iris distance 20
    lm[0, 13], lm[0, 14] = (20, 60), (20, 65)  # gap 5
    lm[1, 13], lm[1, 14] = (20, 60), (20, 60)
    assert media.mouth_opening(lm) == pytest.approx([0.25, 0.0])


def test_frame_psnr_matches_the_metric_per_frame():
    rng = np.random.default_rng(0)
    gt = rng.integers(0, 256, (5, 16, 16, 3), dtype=np.uint8)
    gen = gt.copy()
    gen[2] = np.clip(gen[2].astype(int) + 10, 0, 255).astype(np.uint8)
    mse = np.mean((gen[2].astype(float) - gt[2].astype(float)) ** 2)
    values = media.frame_psnr(gen, gt)
    assert values[2] == pytest.approx(10 * np.log10(255**2 / mse))
    assert values[0] == pytest.approx(100.0)  # identical frames: the protocol's clamp


@pytest.mark.slow
def test_cli_writes_the_report(html_store: Path, tmp_path: Path):
    from typer.testing import CliRunner

    from eatbench.cli import app

    out = tmp_path / "r"
    result = CliRunner().invoke(app, ["report", "html", "--out", str(out), "--store", str(html_store)])
    assert result.exit_code == 0, result.output
    assert "12 previews" in result.output and (out / "index.html").is_file()
    bad = CliRunner().invoke(app, ["report", "html", "--out", str(out), "--store", str(tmp_path / "none.db")])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, EatbenchError) and "none.db" in str(bad.exception)  # the one-line error


def test_a_reason_names_no_machine_path(html_store: Path, tmp_path: Path, monkeypatch):
    """An n/a reason stored with a machine's paths reaches the page in portable names (results/ is committed)."""
    import shutil

    from eatbench.paths import eatbench_home

    db = tmp_path / "results.db"
    shutil.copy(html_store, db)
    store = ResultsStore(db)
    series = store.list_series("mead")[0].series
    here = eatbench_home() / "weights"
    store.set_unavailable(series, "lpips", f"alexnet-owt-7be5be79.pth not found in {here}, {here.resolve()}")
    cells = read_dataset(ResultsStore(db, readonly=True), "mead").cells.values()
    cell = next(c for c in cells if c.metric_errors.get("lpips"))
    assert cell.metric_errors["lpips"] == (
        "n/a: alexnet-owt-7be5be79.pth not found in $EATBENCH_HOME/weights, $EATBENCH_HOME/weights"
    )


@pytest.mark.slow
def test_only_reproduced_shows_the_reproductions_series_not_a_newer_run(html_store: Path, mead, tmp_path: Path):
    """`make demo`'s report: the series its reproduction scored, not whatever ran later under the same label."""
    import json
    import shutil

    from eatbench.run import RunConfig, Runner

    root, clips = mead
    db = tmp_path / "results.db"
    shutil.copyfile(html_store, db)
    reproduced = {s.label: s.series for s in ResultsStore(db, readonly=True).list_series("mead")}
    # a later run of one label on one clip (another series) that the reproduction never scored
    Runner(
        RunConfig(method="static-frame", dataset="mead", root=root, split=None, limit=1, metrics=("psnr",), store=db)
    ).run()
    folder = tmp_path / "reproduction"
    folder.mkdir()
    outcomes = [{"label": k, "ran": True, "series": v} for k, v in reproduced.items()]
    (folder / "reproduce.json").write_text(json.dumps({"outcomes": [*outcomes, {"label": "x", "ran": False}]}))

    def cells(only: bool) -> int:
        out = tmp_path / f"html-{only}"
        build_report(HtmlReportConfig(out=out, store=db, figures=folder, only_reproduced=only))
        return (out / "datasets" / "mead.html").read_text().count("data-m-psnr")

    newest = read_dataset(ResultsStore(db, readonly=True), "mead")
    assert next(s.key for s in newest.series if s.label == "static-frame") not in reproduced.values()
    view = read_dataset(ResultsStore(db, readonly=True), "mead", only=set(reproduced.values()))
    assert {s.key for s in view.series} == set(reproduced.values())
    n = len(clips)
    assert cells(only=True) == len(reproduced) * n  # every reproduced series on every clip
    assert cells(only=False) == (len(reproduced) - 1) * n + 1  # the newer one-clip series replaced one label

    (folder / "reproduce.json").write_text(json.dumps({"outcomes": [{"label": "x", "ran": True, "series": "f" * 24}]}))
    with pytest.raises(InputError, match="none of the series"):  # a reproduction made with another store
        build_report(HtmlReportConfig(out=tmp_path / "h1", store=db, figures=folder, only_reproduced=True))
    (folder / "reproduce.json").write_text(json.dumps({"outcomes": [{"label": "x", "ran": True}]}))  # pre-series
    with pytest.raises(InputError, match="names no scored series"):
        build_report(HtmlReportConfig(out=tmp_path / "h2", store=db, figures=folder, only_reproduced=True))
    with pytest.raises(InputError, match="needs --figures"):
        HtmlReportConfig(out=tmp_path / "h3", store=db, only_reproduced=True)
