"""The metric registry: keys, display names, attribute checks, name parsing and n/a scoring."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from eatbench.errors import EatbenchError
from eatbench.metrics.base import METRICS, Metric, Sample
from eatbench.metrics.registry import (
    TABLE_ORDER,
    all_metrics,
    compute_metrics,
    get_metric,
    make_metric,
    parse_metric_list,
    score_sample,
)

DISPLAY = {
    "psnr": "PSNR",
    "ssim": "SSIM",
    "cpbd": "CPBD",
    "lpips": "LPIPS",
    "fid": "FID",
    "lse-d": "LSE-D",
    "lse-c": "LSE-C",
    "csim": "CSIM",
    "emo-acc": "Emo-Acc",
    "m-lmd": "M-LMD",
    "f-lmd": "F-LMD",
}
DIRECTION = {"psnr": True, "ssim": True, "cpbd": True, "lpips": False, "fid": False, "lse-d": False}
DIRECTION |= {"lse-c": True, "csim": True, "emo-acc": True, "m-lmd": False, "f-lmd": False}


def test_every_issue_key_is_registered_with_its_display_name_and_direction():
    registered = {m.name: m for m in all_metrics()}
    assert set(DISPLAY) <= set(registered), f"missing: {set(DISPLAY) - set(registered)}"
    for key, display in DISPLAY.items():
        cls = registered[key]
        assert cls.display == display and cls.higher_is_better is DIRECTION[key]
        assert cls.protocol and isinstance(cls.needs, tuple)
    assert [m.name for m in all_metrics()][: len(TABLE_ORDER)] == list(TABLE_ORDER)


def test_lookup_is_case_insensitive_and_a_miss_suggests():
    assert get_metric("PSNR") is get_metric("psnr")
    with pytest.raises(EatbenchError, match="did you mean 'm-lmd'"):
        get_metric("m_lmd")


def test_parse_metric_list():
    assert parse_metric_list("SSIM, psnr,ssim") == ["ssim", "psnr"]
    assert parse_metric_list("all") == [m.name for m in all_metrics()]
    assert parse_metric_list(None) == parse_metric_list("")
    with pytest.raises(EatbenchError, match=r"--metrics: unknown metric 'cpdb' \(did you mean 'cpbd'"):
        parse_metric_list("psnr,cpdb")


def test_a_metric_class_missing_an_attribute_is_refused():
    with pytest.raises(TypeError, match=r"lacks required attribute.*protocol"):

        class NoProtocol(Metric):
            name = "x"
            display = "X"
            higher_is_better = True
            needs = ()

            def clip_state(self, sample: Sample) -> dict[str, Any]:
                return {}

            def value(self, state: dict[str, Any]) -> float:
                return 0.0

    assert "x" not in METRICS


def test_score_sample_turns_a_metric_that_cannot_run_into_na(make_frames, make_degraded):
    gen = make_frames(0, t=3, h=64, w=64)
    scores = score_sample(Sample(gen=gen), [make_metric("cpbd"), make_metric("psnr")])
    assert scores["cpbd"].ok and 0 <= scores["cpbd"].value <= 1
    assert not scores["psnr"].ok and "ground-truth video" in scores["psnr"].error
    row = scores["psnr"].to_dict()
    assert row["value"] is None and row["protocol"] == get_metric("psnr").protocol


def test_compute_metrics_and_json_able_states(make_frames, make_degraded):
    gt = make_frames(1, t=3, h=64, w=64)
    sample = Sample(gen=make_degraded(gt, 2), gt=gt)
    scores = compute_metrics(sample, "psnr,ssim,cpbd")
    assert list(scores) == ["psnr", "ssim", "cpbd"]
    for s in scores.values():
        assert s.ok and np.isfinite(s.value)
        json.dumps(s.state)  # states go to the results store as JSON
    assert "aligned" in sample.cache and "gray_gen" in sample.cache  # shared work done once
