"""benchmarks/measure.py's NetworkClock (issue 17): the seconds inside ONNX Runtime, counted per step.

bench_metrics.py divides the reference's CPU time by these seconds to give the most any change around a
judge network could gain; a clock that missed a session, or counted while unlabelled, would move that bound.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from measure import NetworkClock


def test_runs_are_counted_per_label_and_the_session_class_is_restored():
    import onnxruntime

    from eatbench.judges.onnx_runtime import OrtFunction

    net = OrtFunction(torch.nn.Linear(64, 64).eval(), (torch.zeros(1, 64),), {"x": {0: "n"}})
    x = torch.ones(256, 64)
    with NetworkClock() as clock:
        net(x)  # no label yet: not counted
        assert clock.seconds == {}
        clock.label = "a"
        for _ in range(3):
            net(x)
        clock.label = "b"
        y = net(x)
    assert set(clock.seconds) == {"a", "b"}
    assert all(s[0] > 0 and s[1] >= 0 for s in clock.seconds.values())
    assert torch.equal(y, net(x))  # the timed run returns what the session returns
    assert "run" not in onnxruntime.InferenceSession.__dict__  # the inherited run is back
    n = len(clock.seconds)
    net(x)
    assert len(clock.seconds) == n
