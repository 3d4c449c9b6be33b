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
