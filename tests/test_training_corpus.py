"""eatbench.training_corpus: a dataset's train split becomes a TrainingCorpus once, then is read by its key."""

from __future__ import annotations

import pytest
import torch

from eatbench.datasets.registry import get_dataset
from eatbench.errors import EatbenchError
from eatbench.training_corpus import CORPUS_FILE, KEY_FILE, corpus_key, training_corpus


def test_the_corpus_is_prepared_once_then_read_by_its_key(mead, tmp_path):
    root, _ = mead
    train = get_dataset("mead", root).clips("train")
    assert train
    run = tmp_path / "run"
    calls = []
    first = training_corpus("mead", root, 32, run, progress=lambda i, n: calls.append((i, n)))
    assert not first.reused and first.path == run / CORPUS_FILE and first.skipped == []
    assert calls[0] == (0, len(train)) and calls[-1] == (len(train), len(train))
    assert (run / KEY_FILE).read_text() == corpus_key(train, 32)
    assert first.corpus.num_clips == len(train) and first.corpus.resolution == 32
    assert sorted(p.name for p in run.iterdir()) == [KEY_FILE, CORPUS_FILE]  # nothing temporary left

    again = training_corpus("mead", root, 32, run, progress=lambda i, n: calls.append((i, n)))
    assert again.reused and len(calls) == len(train) + 1  # read, not prepared
    assert torch.equal(again.corpus.frames, first.corpus.frames) and again.corpus.emotions == first.corpus.emotions

    # Another resolution is another corpus; a variant started --init-from the run reads the run's.
    assert not training_corpus("mead", root, 16, run).reused
    variant = tmp_path / "variant"
    shared = training_corpus("mead", root, 16, variant, init_from=run)
    assert shared.reused and shared.path == run / CORPUS_FILE and not (variant / CORPUS_FILE).exists()


def test_the_key_is_the_clip_set_and_the_resolution(mead):
    root, _ = mead
    train = get_dataset("mead", root).clips("train")
    assert corpus_key(train, 32) == corpus_key(list(reversed(train)), 32)  # order does not matter
    assert corpus_key(train, 32) != corpus_key(train, 64)
    assert corpus_key(train, 32) != corpus_key(train[:-1], 32)


def test_a_dataset_without_clips_is_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EatbenchError, match=r"^--dataset mead: no clips under "):
        training_corpus("mead", tmp_path / "empty", 32, tmp_path / "run")
    assert not (tmp_path / "run").exists()
