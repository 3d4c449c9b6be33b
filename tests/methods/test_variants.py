"""Methods declare their variants; the registry resolves a variant for every command (one home per fact)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from eatbench.errors import EatbenchError
from eatbench.methods.base import Method
from eatbench.methods.eatface import EATFace
from eatbench.methods.registry import method_names, method_variants, resolve_method, resolve_variant


def test_eatface_declares_its_variants_in_table_iv_order() -> None:
    assert method_variants("eatface") == ("w/o-EVE", "w/o-FEC", "w/o-Emo", "full")
    assert EATFace.default_variant == "full"
    assert method_variants("static-frame") == ()
    # the variants are not registered as methods of their own
    assert not [n for n in method_names() if n.lower().startswith("eatface-")]


def test_the_declared_variants_are_the_model_librarys() -> None:
    from eatface.variants import ABLATIONS

    assert set(EATFace.variants) == set(ABLATIONS)
    assert set(EATFace.emotionless) == {name for name, a in ABLATIONS.items() if not a.uses_emotion}


def test_resolve_variant_spellings_default_and_errors() -> None:
    assert resolve_variant("eatface", "W/O-eve") == "w/o-EVE"
    assert resolve_variant("eatface", "w/o fec") == "w/o-FEC"
    assert resolve_variant("eatface", "full") is None and resolve_variant("eatface", "Ours") is None
    assert resolve_variant("eatface", None) is None
    assert resolve_variant("eatface-w/o-emo", None) == "w/o-Emo"
    with pytest.raises(EatbenchError, match="did you mean 'w/o-EVE'"):
        resolve_variant("eatface", "w/o-EV")
    # a method without variants says so, whatever the error text of its constructor
    with pytest.raises(EatbenchError, match="method 'static-frame' has no variants"):
        resolve_method("static-frame", "w/o-EVE")
    with pytest.raises(EatbenchError, match="names variant w/o-EVE, but --variant w/o-Emo"):
        resolve_variant("eatface-w/o-eve", "w/o-Emo")


def test_resolve_method_builds_the_variant() -> None:
    m = resolve_method("eatface", "w/o-emo")
    assert m.name == "eatface" and m.variant == "w/o-Emo" and m.emotions == () and m.series_variant == "w/o-Emo"
    full = resolve_method("eatface")
    assert full.variant == "full" and full.series_variant is None and full.emotion_controlled
    assert resolve_method("eatface-w/o-eve").variant == "w/o-EVE"
    assert resolve_method("static-frame").variant is None


def test_a_new_method_declares_variants_without_touching_the_core(tmp_path: Path) -> None:
    class Tiny(Method):
        name = "tiny-test"
        version = "1"
        variants: ClassVar[tuple[str, ...]] = ("base", "big")
        default_variant: ClassVar[str | None] = "base"

        def __init__(self, variant: str | None = None) -> None:
            self.variant = self.canonical_variant(variant or "base")

        def generate(self, inp, emotion, seed, out_path):
            return out_path

    assert Tiny(variant="BIG").variant == "big" and Tiny().series_variant is None
    with pytest.raises(EatbenchError, match="did you mean 'big'"):
        Tiny.canonical_variant("bog")
    with pytest.raises(TypeError, match="default_variant must be one of its variants"):

        class Bad(Method):
            name = "bad-test"
            version = "1"
            variants: ClassVar[tuple[str, ...]] = ("a",)

            def generate(self, inp, emotion, seed, out_path):
                return out_path
