"""The metric and dataset examples of CONTRIBUTING.md run as written and do what the guide says.

(The table and figure examples are checked in tests/report/test_contributing.py, the method example in
tests/methods/test_plugins.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from eatbench.datasets import registry as dataset_registry
from eatbench.datasets.base import DATASETS
from eatbench.errors import EatbenchError
from eatbench.metrics.base import METRICS, Sample

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"


def load_example(section: str, registry, monkeypatch) -> dict:
    """Run the section's Python block with ``registry`` swapped for a copy, so nothing stays registered."""
    text = GUIDE.read_text().split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.setattr(registry, "_items", dict(registry._items))
    namespace: dict = {"__name__": "contributing_example"}
    exec(compile(code, f"CONTRIBUTING.md ({section})", "exec"), namespace)
    return namespace


def test_the_metric_example_registers_and_pools_frames_as_computed_by_hand(monkeypatch):
    load_example("Adding a metric", METRICS, monkeypatch)
    metric = METRICS.get("mae")()
    assert set(metric.provided_by()) == {"official", "demo", "portable"}  # needs no judge
    # clip 1: 2 frames off by 3; clip 2: 4 frames off by 9 → pooled over 6 frames: (2·3 + 4·9) / 6 = 7
    one = Sample(gen=np.full((2, 8, 8, 3), 10, np.uint8), gt=np.full((2, 8, 8, 3), 13, np.uint8))
    two = Sample(gen=np.full((4, 8, 8, 3), 200, np.uint8), gt=np.full((4, 8, 8, 3), 191, np.uint8))
    merged = metric.merge([metric.clip_state(one), metric.clip_state(two)])
    assert merged == {"sum": 42.0, "frames": 6} and metric.value(merged) == 7.0
    assert np.isnan(metric.value(metric.merge([])))


def test_the_dataset_example_registers_lists_and_splits_by_sentence(monkeypatch, tmp_path):
    load_example("Adding a dataset", DATASETS, monkeypatch)
    assert "flat" in dataset_registry.dataset_help()
    with pytest.raises(EatbenchError, match=r"--dataset flat: no clips under .*Point --root"):
        dataset_registry.get_dataset("flat", tmp_path).clips()
    for actor in ("a1", "a2"):
        for k in range(8):
            (tmp_path / f"{actor}_{('happy', 'sad')[k % 2]}_s{k}.mp4").write_bytes(b"")
    (tmp_path / "a1_bored_s0.mp4").write_bytes(b"")  # not an emotion of the dataset: not a clip
    flat = dataset_registry.get_dataset("flat", tmp_path)
    clips = flat.clips()
    assert len(clips) == 16 and clips == sorted(clips)
    test = flat.clips("test")
    assert {c.sentence for c in test} == {"s3", "s7"} and len(test) == 4  # every fourth sorted sentence
    assert (tmp_path / "eatbench_splits.json").is_file() and flat.clips() == clips  # written once, kept
