"""What `eatbench reproduce` runs: every registered method once, EAT-Face's variants as variants."""

from eatbench.methods.registry import method_names
from eatbench.report.reproduce import plan
from eatbench.runner import VARIANTS


def test_every_method_once_and_each_variant_once():
    pairs = plan(None)
    assert len(pairs) == len(set(pairs))
    assert [("eatface", v) for v in VARIANTS if v != "full"] == [p for p in pairs if p[0] == "eatface" and p[1]]
    # the variants' own registry names (eatface-w/o-eve ...) are not run a second time as methods
    assert all(not n.startswith("eatface-") for n, _ in pairs)
    assert {n for n, _ in pairs} == {n for n in method_names() if not n.startswith("eatface-")}
    # named explicitly, an alias still runs
    assert plan(["eatface-w/o-eve"]) == [("eatface-w/o-eve", None)]
