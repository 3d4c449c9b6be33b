"""The HTML report tests' fixtures live in html_kit (the study tests use them too)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from html_kit import driver, html_store

__all__ = ["driver", "html_store"]
