"""User-study ratings: the CSV schema, its import, and the statistics Tables III-IV and Fig. 6 print.

The ratings CSV (UTF-8, a header row, one rating per row):

============  ==========================================================================
column        meaning
============  ==========================================================================
participant   any id of the rater (counts participants)
method        the method or series label rated (``eatface``, ``makeittalk``,
              ``eatface[w/o-EVE]``...; matched case- and punctuation-insensitively)
clip          the clip id shown (e.g. ``M003_happy_2_001_front``)
question      one of :data:`QUESTIONS` (``emo``, ``vis-q``, ``sync``, ``id-p``, ``tend``,
              ``emo-de``, ``real``, ``nat``; the paper's spellings like ``Vis-Q.`` work too)
score         1-10 for every question except ``tend`` (empty otherwise)
vote          ``tend`` only: 1 (or yes/true) when the rater saw the target emotion, else 0
emotion       optional: the target emotion; when empty it is read from a MEAD-style clip id
============  ==========================================================================

Statistics: the mean over all ratings (what the paper reports); the standard error over
*participants* (the standard deviation of per-participant means / √participants), because one
person's ratings are not independent; the number of participants and of ratings. Votes become
percentages.

Example:
    >>> rows = parse_ratings_csv("participant,method,clip,question,score,vote\\np1,eatface,c,emo,8,\\n")
    >>> summarize(rows)[("eatface", "emo")].mean
    8.0
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError
from eatbench.registry import did_you_mean

# question key -> (the paper's column title, "score" or "vote")
QUESTIONS: dict[str, tuple[str, str]] = {
    "emo": ("Emo.", "score"),  # Table III: expression of emotion
    "vis-q": ("Vis-Q.", "score"),  # Table III: visual quality
    "sync": ("Sync.", "score"),  # Table III: lip-audio synchronisation
    "id-p": ("ID-P", "score"),  # Table III: identity preservation
    "tend": ("Tend.", "vote"),  # Table IV, Fig. 6: emotion tendency (votes, percent)
    "emo-de": ("Emo-De.", "score"),  # Fig. 6: degree of emotional expression
    "real": ("Real.", "score"),  # Fig. 6: reality of the video
    "nat": ("Nat.", "score"),  # Fig. 6: naturalness of the character
}
REQUIRED = ("participant", "method", "clip", "question")
_TRUE, _FALSE = {"1", "yes", "true", "y"}, {"0", "no", "false", "n"}


def question_key(text: str) -> str:
    """``Vis-Q.`` → ``vis-q``; an unknown question raises with a suggestion."""
    key = text.strip().lower().rstrip(".").replace(" ", "-")
    by_title = {t.lower().rstrip("."): k for k, (t, _) in QUESTIONS.items()}
    key = by_title.get(key, key)
    if key not in QUESTIONS:
        raise InputError(f"unknown question {text!r}{did_you_mean(text, list(QUESTIONS))}")
    return key


def _emotion_from_clip(clip: str) -> str | None:
    parts = clip.split("_")
    return parts[1] if len(parts) > 1 and parts[1] in EMOTIONS else None


def parse_ratings_csv(text: str, source: str = "ratings.csv") -> list[dict[str, Any]]:
    """Validate and parse the CSV text; errors name the line and the column."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing or ("score" not in header and "vote" not in header):
        need = missing + ([] if "score" in header or "vote" in header else ["score or vote"])
        raise InputError(f"{source}: missing column(s) {', '.join(need)} (header: {', '.join(header) or 'empty'})")
    rows = []
    for line, rec in enumerate(reader, start=2):
        rec = {k: (v or "").strip() for k, v in rec.items() if k}
        where = f"{source}:{line}"
        empty = [c for c in REQUIRED if not rec.get(c)]
        if empty:
            raise InputError(f"{where}: empty {', '.join(empty)}")
        try:
            q = question_key(rec["question"])
        except InputError as err:
            raise InputError(f"{where}: {err}") from None
        row: dict[str, Any] = {k: rec[k] for k in REQUIRED} | {"question": q, "score": None, "vote": None}
        if QUESTIONS[q][1] == "vote":
            v = rec.get("vote", "").lower()
            if v not in _TRUE | _FALSE:
                raise InputError(f"{where}: question {q} needs vote 1/0 (yes/no), got {rec.get('vote', '')!r}")
            row["vote"] = int(v in _TRUE)
        else:
            try:
                score = float(rec.get("score", ""))
            except ValueError:
                raise InputError(f"{where}: question {q} needs a score 1-10, got {rec.get('score', '')!r}") from None
            if not 1 <= score <= 10:
                raise InputError(f"{where}: score {score:g} is outside 1-10")
            row["score"] = score
        emotion = rec.get("emotion", "").lower() or _emotion_from_clip(rec["clip"])
        if emotion and emotion not in EMOTIONS:
            raise InputError(f"{where}: unknown emotion {emotion!r}{did_you_mean(emotion, list(EMOTIONS))}")
        row["emotion"] = emotion or None
        rows.append(row)
    if not rows:
        raise InputError(f"{source}: no ratings (only a header)")
    return rows


def read_ratings_csv(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such ratings file")
    return parse_ratings_csv(path.read_text(encoding="utf-8-sig"), str(path))


@dataclass(frozen=True)
class Stat:
    """One cell: mean (percent for votes), standard error over participants, counts."""

    mean: float
    sem: float  # nan with a single participant
    participants: int
    ratings: int


def summarize(rows: list[dict[str, Any]], by: tuple[str, ...] = ("method", "question")) -> dict[tuple, Stat]:
    """Group ratings by the ``by`` fields (``method`` normalised to lowercase) and compute :class:`Stat`."""
    groups: dict[tuple, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        x = r["vote"] * 100.0 if QUESTIONS[r["question"]][1] == "vote" else r["score"]
        key = tuple(r[f].lower() if f == "method" else r[f] for f in by)
        groups[key][r["participant"]].append(float(x))
    out = {}
    for key, per in groups.items():
        allx = [x for xs in per.values() for x in xs]
        means = [sum(xs) / len(xs) for xs in per.values()]
        k = len(means)
        if k > 1:
            mu = sum(means) / k
            sem = math.sqrt(sum((m - mu) ** 2 for m in means) / (k - 1)) / math.sqrt(k)
        else:
            sem = math.nan
        out[key] = Stat(sum(allx) / len(allx), sem, k, len(allx))
    return out


def participant_count(rows: list[dict[str, Any]]) -> int:
    return len({r["participant"] for r in rows})


def bootstrap_ci(
    rows: list[dict[str, Any]], n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean rating, resampling *participants*.

    Each resample draws as many participants as there are, with replacement, and pools all their
    ratings (votes as percentages), so the interval reflects that one person's ratings go together.

    Returns:
        (low, high); (nan, nan) without ratings.
    """
    import numpy as np

    per: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        per[r["participant"]].append(r["vote"] * 100.0 if QUESTIONS[r["question"]][1] == "vote" else float(r["score"]))
    if not per:
        return math.nan, math.nan
    sums = np.array([sum(v) for v in per.values()])
    counts = np.array([len(v) for v in per.values()])
    idx = np.random.default_rng(seed).integers(0, len(sums), (n_boot, len(sums)))
    means = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    alpha = (1 - level) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))
