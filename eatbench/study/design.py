"""The user study's design: what each participant rates, in which order (Sec. IV-D of the paper).

Two designs, as in the paper:

- ``group1`` rates one method's videos (EAT-Face): an emotion vote among the 8 emotions (Tend. is the
  share of votes for the target emotion) and 1-10 scores of Emo-De., Real. and Nat. (Fig. 6, Table IV);
- ``group2`` rates every compared method's videos: 1-10 scores of Emo., Vis-Q., Sync. and ID-P (Table III).

Balanced assignment (:func:`schedule`): participant ``p`` (the p-th to join) sees, for every emotion
``e`` and method ``m``, ``per_cell`` clips of emotion ``e`` made by ``m``: clip number
``(p * per_cell + r + m) mod n_e`` of the emotion's clips (shuffled once with the seed). So every
participant sees each method and each emotion equally often, methods spread over different clips,
and over ``n_e`` consecutive participants every (method, clip) pair is seen equally often. The order
is shuffled per participant with ``(seed, p)``; method names never reach the page.

Attention checks are added to every schedule and recorded, never used to drop data: one main item
shown again later (``repeat``) and one ground-truth clip (``ground-truth``), when a ground-truth
series of the same clips exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from eatbench.clip import EMOTIONS

Design = Literal["group1", "group2"]
DESIGNS: dict[str, tuple[str, ...]] = {
    "group1": ("tend", "emo-de", "real", "nat"),
    "group2": ("emo", "vis-q", "sync", "id-p"),
}
# What the participant reads for each question (the paper's four aspects per group).
PROMPTS: dict[str, str] = {
    "tend": "Which emotion does the person show?",
    "emo-de": "Degree of emotional expression",
    "real": "Reality of the video",
    "nat": "Naturalness of the character",
    "emo": "Expression of emotion",
    "vis-q": "Visual quality",
    "sync": "Lip-audio synchronisation",
    "id-p": "Identity preservation (compared with the reference face)",
}
MIN_GAP = 3  # a repeated item comes back at least this many items after its first showing


@dataclass(frozen=True)
class Item:
    """One video a participant may be shown."""

    item_id: str
    method: str  # the series label (hidden from participants)
    clip_id: str
    emotion: str  # the target emotion
    kind: Literal["main", "ground-truth"] = "main"


@dataclass(frozen=True)
class Entry:
    """One position of a participant's schedule."""

    item_id: str
    check: Literal["", "repeat", "ground-truth"] = ""


def cells(items: list[Item]) -> tuple[list[str], dict[str, list[str]], dict[tuple[str, str], Item]]:
    """(methods, clips per emotion, (method, clip) -> item) over the clips every method has."""
    main = [i for i in items if i.kind == "main"]
    methods = sorted({i.method for i in main})
    by = {(i.method, i.clip_id): i for i in main}
    per_emotion: dict[str, list[str]] = {}
    for e in EMOTIONS:
        clips = sorted({i.clip_id for i in main if i.emotion == e})
        clips = [c for c in clips if all((m, c) in by for m in methods)]
        if clips:
            per_emotion[e] = clips
    return methods, per_emotion, by


def schedule(items: list[Item], slot: int, seed: int, per_cell: int = 1) -> list[Entry]:
    """Participant ``slot``'s schedule: balanced main items in a shuffled order, plus attention checks.

    Args:
        items: every item of the study (main and ground-truth).
        slot: the participant's number (0 for the first to join).
        seed: the study's seed (recorded with the study).
        per_cell: clips per (method, emotion) per participant.
    """
    methods, per_emotion, by = cells(items)
    rng = np.random.default_rng([seed, 0])
    order = {e: [clips[i] for i in rng.permutation(len(clips))] for e, clips in per_emotion.items()}
    main: list[Entry] = []
    for clips in order.values():
        for m_idx, m in enumerate(methods):
            for r in range(min(per_cell, len(clips))):
                main.append(Entry(by[(m, clips[(slot * per_cell + r + m_idx) % len(clips)])].item_id))
    prng = np.random.default_rng([seed, 1, slot])
    entries = [main[i] for i in prng.permutation(len(main))]
    # Attention checks: a ground-truth clip anywhere, and one main item again later.
    truth = sorted((i for i in items if i.kind == "ground-truth"), key=lambda i: i.item_id)
    if truth:
        pos = int(prng.integers(0, len(entries) + 1))
        entries.insert(pos, Entry(truth[int(prng.integers(0, len(truth)))].item_id, "ground-truth"))
    if main:
        first = int(prng.integers(0, max(1, len(entries) - MIN_GAP)))
        while entries[first].check:
            first = (first + 1) % len(entries)
        pos = min(len(entries), first + MIN_GAP + int(prng.integers(0, max(1, len(entries) - first - MIN_GAP + 1))))
        entries.insert(pos, Entry(entries[first].item_id, "repeat"))
    return entries
