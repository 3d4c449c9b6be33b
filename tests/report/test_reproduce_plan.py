"""What `eatbench reproduce` runs: every registered method once, each declared variant once, as a variant."""

import pytest

from eatbench.errors import EatbenchError
from eatbench.methods.registry import method_class, method_names
from eatbench.report.reproduce import plan


def test_every_method_once_and_each_variant_once():
    pairs = plan(None)
    assert len(pairs) == len(set(pairs))
    assert {n for n, _ in pairs} == set(method_names())
    for name in method_names():
        cls = method_class(name)
        # the plain name first, then every declared variant but the default, in the method's order
        assert [v for n, v in pairs if n == name] == [None, *(v for v in cls.variants if v != cls.default_variant)]
    assert [v for n, v in pairs if n == "eatface"] == [None, "w/o-EVE", "w/o-FEC", "w/o-Emo"]
    # named explicitly, a name that spells a variant runs once, as given
    assert plan(["eatface-w/o-eve"]) == [("eatface-w/o-eve", None)]


def test_an_unknown_method_fails_before_anything_runs():
    with pytest.raises(EatbenchError, match=r"unknown method 'eatfase'.*eatface"):
        plan(["static-frame", "eatfase"])


def test_also_profile_scores_every_method_again_with_those_judges_but_not_the_variants(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from eatbench.report import reproduce as rp

    monkeypatch.setattr(rp, "plan", lambda methods: [("static-frame", None), ("eatface", "w/o-EVE")])
    for drawn_from_a_model in ("_stills", "_intensity", "_figures"):
        monkeypatch.setattr(rp, drawn_from_a_model, lambda *a, **k: None)
    seen = []

    def fake_run(cfg):
        seen.append((cfg.method, cfg.variant, cfg.profile))
        return SimpleNamespace(n_clips=2, failed=[], generated=0, computed=2, seconds=0.1, series="s")

    report = rp.reproduce("demo", tmp_path / "out", store=tmp_path / "r.db", run=fake_run, also_profiles=("portable",))
    assert seen == [("static-frame", None, "demo"), ("static-frame", None, "portable"), ("eatface", "w/o-EVE", "demo")]
    assert [o.label for o in report.outcomes][:2] == ["static-frame", "static-frame (portable judges)"]
    assert "judge profile **demo + portable**" in (tmp_path / "out" / "README.md").read_text()


def test_the_tables_show_the_series_the_reproduction_ran_not_the_rest_of_the_store(tmp_path, monkeypatch):
    """A `run` on the validation split, or of other weights, stored under the same label does not take
    the place of what the reproduction scored (the newest series of a label used to win)."""
    from types import SimpleNamespace

    from report_fill import add_series

    from eatbench.report import reproduce as rp
    from eatbench.store import ResultsStore

    monkeypatch.setattr(rp, "plan", lambda methods: [("static-frame", None)])
    for drawn_from_a_model in ("_stills", "_intensity", "_figures"):
        monkeypatch.setattr(rp, drawn_from_a_model, lambda *a, **k: None)
    store = ResultsStore(tmp_path / "r.db")

    series_ids = []

    def fake_run(cfg):
        series = add_series(store, "static-frame", {"psnr": 22.0}, kind="reference", videos=("test1",))
        series_ids.append(series)
        add_series(store, "static-frame", {"psnr": 99.0}, kind="reference", videos=("val1",))  # newer, not ours
        add_series(store, "makeittalk", {"psnr": 25.0}, videos=("m1",))  # not run by this reproduction
        return SimpleNamespace(n_clips=1, failed=[], generated=0, computed=1, seconds=0.1, series=series)

    rp.reproduce("demo", tmp_path / "out", store=tmp_path / "r.db", run=fake_run)
    table1 = (tmp_path / "out" / "table1.md").read_text()
    row = next(ln for ln in table1.splitlines() if ln.startswith("| static-frame |"))
    assert "22.0000" in row and "99.0000" not in table1 and "| MakeItTalk |" not in table1
    # reproduce.json names the series it scored, for `eatbench report html --only-reproduced`
    from eatbench.report.html.build import reproduced_series

    assert reproduced_series(tmp_path / "out") == set(series_ids)
