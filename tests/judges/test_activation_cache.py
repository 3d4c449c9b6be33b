"""The ground-truth activation cache (eatbench/judges/activation_cache.py): what its key holds, and that it
never turns a cache problem into an error or a wrong array."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.judges.activation_cache import activation_key, cached_activations


def _frames(seed: int, n: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 8, 8, 3), dtype=np.uint8)


def test_the_key_changes_with_the_weights_the_settings_and_every_frame(tmp_path):
    a, b = tmp_path / "a.pth", tmp_path / "b.pth"
    a.write_bytes(b"weights one")
    b.write_bytes(b"weights two")
    frames = _frames(0)
    key = activation_key("j", [a], frames, {"batch_size": 25})
    assert key == activation_key("j", [a], frames.copy(), {"batch_size": 25})
    assert key != activation_key("j", [b], frames, {"batch_size": 25})  # other weights
    assert key != activation_key("j", [a], frames, {"batch_size": 50})
    assert key != activation_key("k", [a], frames, {"batch_size": 25})
    changed = frames.copy()
    changed[1, 7, 7, 2] ^= 1  # one bit of the last pixel
    assert key != activation_key("j", [a], changed, {"batch_size": 25})
    assert key != activation_key("j", [a], frames.reshape(2, 4, 16, 3), {"batch_size": 25})  # same bytes, other shape


def test_a_wrong_shaped_file_is_recomputed_and_an_unwritable_cache_is_passed_over(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))
    frames = _frames(1, 3)
    good = np.arange(6, dtype=np.float32).reshape(3, 2)
    assert cached_activations("j", [], frames, {}, lambda: good) is good
    (path,) = (tmp_path / "home").rglob("*.npy")
    np.save(path, np.zeros((5, 2), np.float32))  # a file from something else: 5 rows for 3 frames
    np.testing.assert_array_equal(cached_activations("j", [], frames, {}, lambda: good), good)
    np.testing.assert_array_equal(np.load(path), good)  # replaced
    blocked = tmp_path / "home" / "cache" / "activations" / "k"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the judge's folder would go")  # no folder can be made: not an error
    assert cached_activations("k", [], frames, {}, lambda: good) is good


def test_a_failed_computation_leaves_nothing_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))

    def fails() -> np.ndarray:
        raise RuntimeError("the judge crashed")

    with pytest.raises(RuntimeError, match="crashed"):
        cached_activations("j", [], _frames(2), {}, fails)
    assert not list((tmp_path / "home").rglob("*.npy"))


def test_any_unreadable_file_or_home_still_gives_the_computed_array(tmp_path, monkeypatch):
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))
    frames = _frames(3, 2)
    good = np.ones((2, 4), np.float32)
    cached_activations("j", [], frames, {}, lambda: good)
    (path,) = (tmp_path / "home").rglob("*.npy")
    np.savez(path.with_suffix(""), a=good)  # a zip where an .npy should be (np.load gives an NpzFile)
    path.with_suffix(".npz").replace(path)
    np.testing.assert_array_equal(cached_activations("j", [], frames, {}, lambda: good), good)
    np.save(path, good.astype(np.float64))  # the right rows, the wrong dtype
    assert cached_activations("j", [], frames, {}, lambda: good).dtype == np.float32
    path.write_bytes(path.read_bytes()[:20])  # truncated
    np.testing.assert_array_equal(cached_activations("j", [], frames, {}, lambda: good), good)
    home_file = tmp_path / "a-file"
    home_file.write_text("not a folder")
    monkeypatch.setenv("EATBENCH_HOME", str(home_file))  # no usable home: no cache, still the value
    assert cached_activations("j", [], frames, {}, lambda: good) is good
