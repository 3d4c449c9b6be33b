"""The test tree itself: pytest's default import mode (rootdir-relative basenames, no __init__.py)
refuses two test modules with the same file name, so a duplicate would stop CI at collection."""

from collections import Counter
from pathlib import Path


def test_test_module_basenames_are_unique():
    names = Counter(p.name for p in Path(__file__).parent.rglob("test_*.py"))
    assert [name for name, n in names.items() if n > 1] == []
