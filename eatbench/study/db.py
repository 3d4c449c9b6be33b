"""The study's data: one SQLite database (WAL, busy timeout) in the study folder.

A study folder (``$EATBENCH_HOME/studies/<name>/`` by default) holds ``study.db`` and ``media/``, the
H.264 copies of the rated videos under random names (participants never see method names).

Tables: ``meta`` (design, seed, per-cell count, the runs it came from, check notes), ``items``,
``participants`` (anonymous id, secret token, slot, schedule, CSRF token) and ``answers`` (one row per
participant, position and question; the primary key makes a re-submitted form a no-op). Every write
is one ``BEGIN IMMEDIATE`` transaction, so concurrent participants never lose an answer.

:func:`export_rows` turns the answers into the rows ``eatbench study import`` reads
(:mod:`eatbench.report.study`); :func:`attention` reports the checks.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError, InputError
from eatbench.study.design import DESIGNS, Entry, Item, schedule

BUSY_TIMEOUT_S = 30.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY, method TEXT NOT NULL, clip_id TEXT NOT NULL, emotion TEXT NOT NULL,
    kind TEXT NOT NULL, media TEXT NOT NULL, reference TEXT
);
CREATE TABLE IF NOT EXISTS participants (
    token TEXT PRIMARY KEY, anon_id TEXT NOT NULL UNIQUE, slot INTEGER NOT NULL UNIQUE, schedule TEXT NOT NULL,
    csrf TEXT NOT NULL, joined REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    token TEXT NOT NULL, position INTEGER NOT NULL, item_id TEXT NOT NULL, check_kind TEXT NOT NULL,
    question TEXT NOT NULL, score INTEGER, choice TEXT, submitted REAL NOT NULL,
    PRIMARY KEY (token, position, question)
);
"""


class StudyDB:
    """One study's database. Open one per thread (the web server opens one per request).

    Raises:
        EatbenchError: no study at ``folder`` (unless ``create``), or the database cannot be opened.
    """

    def __init__(self, folder: str | Path, create: bool = False) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "study.db"
        if not create and not self.path.is_file():
            raise EatbenchError(f"no study at {self.folder} (create one with `eatbench study create`)")
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise EatbenchError(f"study database {self.path}: could not switch to WAL mode")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            if create:
                with self.write() as cur:
                    for stmt in SCHEMA.split(";"):
                        if stmt.strip():
                            cur.execute(stmt)
        except sqlite3.Error as err:
            raise EatbenchError(f"study database {self.path}: {err}") from None

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Cursor]:
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    # ----------------------------------------------------------------------------------------- setup

    def meta(self) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.conn.execute("SELECT key, value FROM meta")}

    def init(self, meta: dict[str, Any], items: list[tuple[Item, str, str | None]]) -> None:
        """Record the design and the items (each with its media file name and reference image)."""
        with self.write() as cur:
            for k, v in meta.items():
                cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (k, json.dumps(v)))
            for item, media, reference in items:
                cur.execute(
                    "INSERT INTO items (item_id, method, clip_id, emotion, kind, media, reference) VALUES (?,?,?,?,?,?,?)",
                    (item.item_id, item.method, item.clip_id, item.emotion, item.kind, media, reference),
                )

    def items(self) -> dict[str, dict[str, Any]]:
        cur = self.conn.execute("SELECT * FROM items")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}

    def media_file(self, name: str) -> Path | None:
        """The file behind a media name, only when an item or reference uses that name."""
        row = self.conn.execute("SELECT 1 FROM items WHERE media = ? OR reference = ? LIMIT 1", (name, name)).fetchone()
        return self.folder / "media" / name if row else None

    # ---------------------------------------------------------------------------------- participants

    def join(self, anon_id: str) -> str:
        """Register a participant; returns the secret token of their link.

        Raises:
            InputError: the anonymous id is taken.
        """
        meta = self.meta()
        items = [Item(r["item_id"], r["method"], r["clip_id"], r["emotion"], r["kind"]) for r in self.items().values()]
        token, csrf = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        with self.write() as cur:
            if cur.execute("SELECT 1 FROM participants WHERE anon_id = ?", (anon_id,)).fetchone():
                raise InputError(f"the id {anon_id!r} is taken; if it is yours, open the link you were given")
            slot = cur.execute("SELECT count(*) FROM participants").fetchone()[0]
            entries = schedule(items, slot, meta["seed"], meta["per_cell"])
            cur.execute(
                "INSERT INTO participants (token, anon_id, slot, schedule, csrf, joined) VALUES (?,?,?,?,?,?)",
                (token, anon_id, slot, json.dumps([[e.item_id, e.check] for e in entries]), csrf, time.time()),
            )
        return token

    def participant(self, token: str) -> dict[str, Any] | None:
        cur = self.conn.execute("SELECT * FROM participants WHERE token = ?", (token,))
        row = cur.fetchone()
        if row is None:
            return None
        p = dict(zip([d[0] for d in cur.description], row, strict=True))
        p["schedule"] = [Entry(i, c) for i, c in json.loads(p["schedule"])]
        p["done"] = {r[0] for r in self.conn.execute("SELECT DISTINCT position FROM answers WHERE token = ?", (token,))}
        return p

    def participants(self) -> list[dict[str, Any]]:
        tokens = [r[0] for r in self.conn.execute("SELECT token FROM participants ORDER BY slot")]
        return [p for p in (self.participant(t) for t in tokens) if p is not None]

    def answer(self, token: str, position: int, item_id: str, check: str, answers: dict[str, tuple]) -> bool:
        """Store one item's answers ({question: (score, choice)}); False when that position was answered."""
        now = time.time()
        with self.write() as cur:
            if cur.execute("SELECT 1 FROM answers WHERE token = ? AND position = ?", (token, position)).fetchone():
                return False
            for q, (score, choice) in answers.items():
                cur.execute(
                    "INSERT INTO answers (token, position, item_id, check_kind, question, score, choice, submitted)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    (token, position, item_id, check, q, score, choice, now),
                )
        return True

    def answers(self) -> list[dict[str, Any]]:
        cur = self.conn.execute(
            "SELECT a.*, p.anon_id FROM answers a JOIN participants p ON p.token = a.token ORDER BY p.slot, a.position"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


# ------------------------------------------------------------------------------------------ export


def export_rows(db: StudyDB) -> list[dict[str, Any]]:
    """The main items' answers as rows of the ratings CSV (attention checks are reported apart).

    Group 1's emotion vote becomes question ``tend`` with ``vote`` 1 when the chosen emotion is the
    target; the chosen emotion itself is kept in the extra ``choice`` column.
    """
    items = db.items()
    rows = []
    for a in db.answers():
        if a["check_kind"]:
            continue
        it = items[a["item_id"]]
        row = {
            "participant": a["anon_id"],
            "method": it["method"],
            "clip": it["clip_id"],
            "emotion": it["emotion"],
            "question": a["question"],
            "score": "" if a["score"] is None else a["score"],
            "vote": "" if a["choice"] is None else int(a["choice"] == it["emotion"]),
            "choice": a["choice"] or "",
        }
        rows.append(row)
    return rows


EXPORT_COLUMNS = ("participant", "method", "clip", "emotion", "question", "score", "vote", "choice")


def attention(db: StudyDB) -> list[dict[str, Any]]:
    """Per participant: items answered, and each attention check's outcome (reported, never applied).

    ``repeat``: the largest score difference between the two showings (and whether the vote changed);
    ``ground-truth``: group 1, whether the vote named the real emotion; group 2, the mean score given
    to the real video against the participant's mean over the main items.
    """
    items = db.items()
    by_token: dict[str, list[dict[str, Any]]] = {}
    for a in db.answers():
        by_token.setdefault(a["token"], []).append(a)
    out = []
    for p in db.participants():
        answers = by_token.get(p["token"], [])
        row: dict[str, Any] = {
            "participant": p["anon_id"],
            "answered": len(p["done"]),
            "items": len(p["schedule"]),
            "repeat": "not reached",
            "ground_truth": "not reached",
        }
        by_pos: dict[int, dict[str, dict[str, Any]]] = {}
        for a in answers:
            by_pos.setdefault(a["position"], {})[a["question"]] = a
        main_scores = [a["score"] for a in answers if not a["check_kind"] and a["score"] is not None]
        for qs in by_pos.values():
            check = next(iter(qs.values()))["check_kind"]
            item_id = next(iter(qs.values()))["item_id"]
            if check == "repeat":
                first = next(
                    (
                        by_pos[i]
                        for i, e in enumerate(p["schedule"])
                        if e.item_id == item_id and not e.check and i in by_pos
                    ),
                    None,
                )
                if first is not None:
                    diffs = [abs(qs[q]["score"] - first[q]["score"]) for q in qs if qs[q]["score"] is not None]
                    changed = any(qs[q]["choice"] != first[q]["choice"] for q in qs if qs[q]["choice"] is not None)
                    row["repeat"] = f"max score difference {max(diffs, default=0)}" + (
                        ", vote changed" if changed else ""
                    )
            elif check == "ground-truth":
                truth = items[item_id]["emotion"]
                vote = next((a["choice"] for a in qs.values() if a["choice"] is not None), None)
                scores = [a["score"] for a in qs.values() if a["score"] is not None]
                if vote is not None:
                    row["ground_truth"] = f"voted {vote} for a real {truth} clip" + (
                        " (correct)" if vote == truth else " (wrong)"
                    )
                else:
                    mean_main = sum(main_scores) / len(main_scores) if main_scores else float("nan")
                    row["ground_truth"] = (
                        f"real video scored {sum(scores) / len(scores):.1f} vs {mean_main:.1f} on the methods"
                    )
        out.append(row)
    return out


def questions(db: StudyDB) -> tuple[str, ...]:
    return DESIGNS[db.meta()["design"]]
