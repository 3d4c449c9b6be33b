"""The results store: one SQLite database under ``EATBENCH_HOME`` that records what finished.

Tables (schema version :data:`SCHEMA_VERSION`):

- ``runs``: one row per process of a run: command line, eatbench version, git commit, config (JSON),
  judge profile, machine (JSON), shard index and count, status.
- ``series``: a *result set* (method, variant, dataset, split, seed, emotion override, profile and the
  exact clip list). Tables read series; several runs (resumes, shards) feed one series.
- ``videos``: generated videos keyed by ``sha256(method, method version, weights hash, clip, emotion,
  seed)``: path, content hash, status (``ok`` or ``failed`` with the error).
- ``metric_values``: per-clip metric states keyed by (video hash, metric, protocol, judge weights hash,
  settings): the mergeable state (zlib-compressed JSON) and the per-clip value, or the error.
- ``pooled``: the merged state and value of each metric over a series, with clips counted.
- ``unavailable``: metrics that could not run for a series (missing weights), with the reason.
- ``ratings``: imported user-study ratings (see :mod:`eatbench.report.study`).

The database runs in WAL mode with a busy timeout, and every write is one ``BEGIN IMMEDIATE``
transaction, so concurrent runs (or shards) never lose rows and a process killed at any point leaves
the store as it was before the interrupted transaction. A read-only or full store raises one
:class:`~eatbench.errors.EatbenchError` line; the database stays intact.

Example:
    >>> import tempfile, pathlib
    >>> store = ResultsStore(pathlib.Path(tempfile.mkdtemp()) / "results.db")
    >>> store.list_runs()
    []
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.paths import eatbench_home

SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    series TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    status TEXT NOT NULL,
    command TEXT NOT NULL,
    version TEXT NOT NULL,
    git_commit TEXT NOT NULL,
    config TEXT NOT NULL,
    profile TEXT NOT NULL,
    machine TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    num_shards INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS series (
    series TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    method TEXT NOT NULL,
    variant TEXT,
    dataset TEXT NOT NULL,
    split TEXT,
    profile TEXT NOT NULL,
    seed INTEGER NOT NULL,
    emotion TEXT,
    config TEXT NOT NULL,
    clips TEXT NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS videos (
    key TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    variant TEXT,
    method_version TEXT NOT NULL,
    weights_hash TEXT NOT NULL,
    dataset TEXT NOT NULL,
    clip_id TEXT NOT NULL,
    emotion TEXT,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL,
    path TEXT,
    video_hash TEXT,
    error TEXT,
    seconds REAL,
    run_id INTEGER,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS metric_values (
    video_hash TEXT NOT NULL,
    metric TEXT NOT NULL,
    protocol TEXT NOT NULL,
    judge_hash TEXT NOT NULL,
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    state BLOB,
    value REAL,
    error TEXT,
    seconds REAL,
    run_id INTEGER,
    created REAL NOT NULL,
    PRIMARY KEY (video_hash, metric, protocol, judge_hash, settings)
);
CREATE TABLE IF NOT EXISTS pooled (
    series TEXT NOT NULL,
    metric TEXT NOT NULL,
    protocol TEXT NOT NULL,
    judge_hash TEXT NOT NULL,
    settings TEXT NOT NULL,
    state BLOB,
    value REAL,
    n_clips INTEGER NOT NULL,
    n_expected INTEGER NOT NULL,
    n_failed INTEGER NOT NULL,
    extra TEXT NOT NULL,
    run_id INTEGER,
    updated REAL NOT NULL,
    PRIMARY KEY (series, metric)
);
CREATE TABLE IF NOT EXISTS unavailable (
    series TEXT NOT NULL,
    metric TEXT NOT NULL,
    reason TEXT NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (series, metric)
);
CREATE TABLE IF NOT EXISTS ratings (
    participant TEXT NOT NULL,
    method TEXT NOT NULL,
    clip TEXT NOT NULL,
    emotion TEXT,
    question TEXT NOT NULL,
    score REAL,
    vote INTEGER,
    source TEXT NOT NULL,
    imported REAL NOT NULL,
    PRIMARY KEY (participant, method, clip, question)
);
CREATE INDEX IF NOT EXISTS videos_by_clip ON videos (method, clip_id);
"""


def default_store_path() -> Path:
    """``$EATBENCH_HOME/results.db``."""
    return eatbench_home() / "results.db"


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: the form hashed into cache keys and compared in SQL."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def pack_state(state: dict[str, Any]) -> bytes:
    """A metric state as zlib-compressed JSON (floats round-trip exactly through ``repr``)."""
    return zlib.compress(json.dumps(state, separators=(",", ":")).encode(), 6)


def unpack_state(blob: bytes | None) -> dict[str, Any] | None:
    return None if blob is None else json.loads(zlib.decompress(blob))


@dataclass(frozen=True)
class MetricKey:
    """What a per-clip metric value is keyed by, besides the generated video's hash."""

    metric: str
    protocol: str
    judge_hash: str
    settings: str  # canonical JSON of Metric.settings_key()


def _friendly(err: sqlite3.Error, path: Path) -> EatbenchError:
    """Turn an SQLite failure into one line that says what to do."""
    msg = str(err).lower()
    if "readonly" in msg or "read-only" in msg or "unable to open" in msg:
        return EatbenchError(
            f"results store {path} is read-only ({err}); nothing was written and the store is unchanged. "
            "Make it writable or point EATBENCH_HOME at a writable folder"
        )
    if "full" in msg:
        return EatbenchError(
            f"results store {path}: the disk is full ({err}); the interrupted write was rolled back and the "
            "store is intact. Free space and run the same command to resume"
        )
    if "locked" in msg or "busy" in msg:
        return EatbenchError(
            f"results store {path} stayed locked for {BUSY_TIMEOUT_S:g} s ({err}); another process holds it. "
            "Run again when it finishes"
        )
    return EatbenchError(f"results store {path}: {err}")


class ResultsStore:
    """The SQLite results database (WAL, busy timeout). One instance per process.

    Args:
        path: the database file; defaults to ``$EATBENCH_HOME/results.db``.
        readonly: open for reading only (``results``/``table`` commands); never creates the file.

    Raises:
        EatbenchError: the file cannot be created or opened, is read-only when writing, or is full.
    """

    def __init__(self, path: str | Path | None = None, readonly: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.readonly = readonly
        if readonly:
            if not self.path.is_file():
                raise EatbenchError(
                    f"no results store at {self.path}; run `eatbench run ...` first (or set EATBENCH_HOME)"
                )
            uri = f"file:{self.path}?mode=ro"
            try:
                self.conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
                self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as err:
                raise _friendly(err, self.path) from None
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise EatbenchError(f"results store {self.path}: cannot create its folder ({err})") from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            # Switching a new database to WAL takes an exclusive lock without calling the busy
            # handler, so processes that create the store at once (shards) retry here.
            deadline = time.monotonic() + BUSY_TIMEOUT_S
            while True:
                try:
                    mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    break
                except sqlite3.OperationalError as err:
                    if "locked" not in str(err) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            if mode.lower() != "wal":
                raise sqlite3.OperationalError(
                    f"could not switch to WAL mode (got {mode}); attempt to write a readonly database"
                )
            self.conn.execute("PRAGMA synchronous = NORMAL")
            with self.write() as cur:
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        cur.execute(stmt)
                cur.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
                )
        except sqlite3.Error as err:
            raise _friendly(err, self.path) from None
        found = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        if int(found) != SCHEMA_VERSION:
            raise EatbenchError(
                f"results store {self.path} has schema version {found}, this eatbench writes {SCHEMA_VERSION}; "
                "move the file aside to start a new store"
            )

    # ----------------------------------------------------------------------------------------- plumbing

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``); rolled back on any error."""
        if self.readonly:
            raise EatbenchError(f"results store {self.path} was opened read-only")
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise _friendly(err, self.path) from None
        try:
            yield cur
            cur.execute("COMMIT")
        except sqlite3.Error as err:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise _friendly(err, self.path) from None
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise

    def _rows(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        try:
            cur = self.conn.execute(sql, args)
        except sqlite3.Error as err:
            raise _friendly(err, self.path) from None
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        self.conn.close()

    # --------------------------------------------------------------------------------------------- runs

    def start_run(
        self,
        *,
        series: str,
        command: str,
        version: str,
        git_commit: str,
        config: dict[str, Any],
        profile: str,
        machine: dict[str, Any],
        shard: int = 0,
        num_shards: int = 1,
    ) -> int:
        with self.write() as cur:
            cur.execute(
                "INSERT INTO runs (series, started, status, command, version, git_commit, config, profile, machine,"
                " shard, num_shards) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    series,
                    time.time(),
                    command,
                    version,
                    git_commit,
                    canonical_json(config),
                    profile,
                    canonical_json(machine),
                    shard,
                    num_shards,
                ),
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str = "finished") -> None:
        with self.write() as cur:
            cur.execute("UPDATE runs SET finished = ?, status = ? WHERE id = ?", (time.time(), status, run_id))

    def list_runs(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM runs ORDER BY id")

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM runs WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    # ------------------------------------------------------------------------------------------- series

    def put_series(self, row: dict[str, Any]) -> None:
        """Insert or refresh a series (the same key always describes the same result set)."""
        with self.write() as cur:
            cur.execute(
                "INSERT INTO series (series, label, method, variant, dataset, split, profile, seed, emotion, config,"
                " clips, updated) VALUES (:series, :label, :method, :variant, :dataset, :split, :profile, :seed,"
                " :emotion, :config, :clips, :updated) ON CONFLICT(series) DO UPDATE SET updated = excluded.updated",
                {
                    **row,
                    "config": canonical_json(row["config"]),
                    "clips": canonical_json(row["clips"]),
                    "updated": time.time(),
                },
            )

    def list_series(self, dataset: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM series", ()
        if dataset is not None:
            sql, args = sql + " WHERE lower(dataset) = lower(?)", (dataset,)
        rows = self._rows(sql + " ORDER BY updated", args)
        for r in rows:
            r["config"] = json.loads(r["config"])
            r["clips"] = json.loads(r["clips"])
        return rows

    # ------------------------------------------------------------------------------------------- videos

    def get_video(self, key: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT * FROM videos WHERE key = ?", (key,))
        return rows[0] if rows else None

    def get_videos(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._rows(f"SELECT * FROM videos WHERE key IN ({marks})", tuple(chunk)):
                out[r["key"]] = r
        return out

    def put_video(self, row: dict[str, Any]) -> None:
        """Record a generated video (status ``ok``) or a failure (status ``failed`` with ``error``)."""
        with self.write() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO videos (key, method, variant, method_version, weights_hash, dataset, clip_id,"
                " emotion, seed, status, path, video_hash, error, seconds, run_id, created) VALUES (:key, :method,"
                " :variant, :method_version, :weights_hash, :dataset, :clip_id, :emotion, :seed, :status, :path,"
                " :video_hash, :error, :seconds, :run_id, :created)",
                {"path": None, "video_hash": None, "error": None, "seconds": None, **row, "created": time.time()},
            )

    def list_videos(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM videos ORDER BY created")

    # ------------------------------------------------------------------------------------ metric values

    def get_metric_values(self, video_hash: str, keys: list[MetricKey]) -> dict[str, dict[str, Any]]:
        """The stored rows for ``video_hash`` under each key, by metric name (absent keys are missing)."""
        out: dict[str, dict[str, Any]] = {}
        for k in keys:
            rows = self._rows(
                "SELECT * FROM metric_values WHERE video_hash = ? AND metric = ? AND protocol = ? AND judge_hash = ?"
                " AND settings = ?",
                (video_hash, k.metric, k.protocol, k.judge_hash, k.settings),
            )
            if rows:
                out[k.metric] = rows[0]
        return out

    def put_metric_values(self, video_hash: str, rows: list[dict[str, Any]], run_id: int | None) -> None:
        """Store one clip's metric results in one transaction.

        Each row holds ``key`` (a :class:`MetricKey`), ``status`` (``ok`` or ``failed``), and ``state``,
        ``value``, ``error``, ``seconds`` as applicable.
        """
        now = time.time()
        with self.write() as cur:
            for r in rows:
                k: MetricKey = r["key"]
                cur.execute(
                    "INSERT OR REPLACE INTO metric_values (video_hash, metric, protocol, judge_hash, settings, status,"
                    " state, value, error, seconds, run_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        video_hash,
                        k.metric,
                        k.protocol,
                        k.judge_hash,
                        k.settings,
                        r["status"],
                        None if r.get("state") is None else pack_state(r["state"]),
                        r.get("value"),
                        r.get("error"),
                        r.get("seconds"),
                        run_id,
                        now,
                    ),
                )

    def list_metric_values(self) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT video_hash, metric, protocol, judge_hash, settings, status, value, error, seconds, run_id, created"
            " FROM metric_values ORDER BY created"
        )

    # ------------------------------------------------------------------------------------------- pooled

    def put_pooled(self, series: str, key: MetricKey, row: dict[str, Any], run_id: int | None) -> None:
        """Store a series' merged state for one metric.

        Per-clip rows are only ever added, so under the same protocol, judge and settings a pooled row
        over fewer clips is older: shards finishing out of order never overwrite a fuller merge.
        """
        with self.write() as cur:
            held = cur.execute(
                "SELECT n_clips FROM pooled WHERE series = ? AND metric = ? AND protocol = ? AND judge_hash = ?"
                " AND settings = ?",
                (series, key.metric, key.protocol, key.judge_hash, key.settings),
            ).fetchone()
            if held is not None and held[0] > row["n_clips"]:
                return
            cur.execute(
                "INSERT OR REPLACE INTO pooled (series, metric, protocol, judge_hash, settings, state, value, n_clips,"
                " n_expected, n_failed, extra, run_id, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    series,
                    key.metric,
                    key.protocol,
                    key.judge_hash,
                    key.settings,
                    None if row.get("state") is None else pack_state(row["state"]),
                    row.get("value"),
                    row["n_clips"],
                    row["n_expected"],
                    row["n_failed"],
                    canonical_json(row.get("extra") or {}),
                    run_id,
                    time.time(),
                ),
            )

    def get_pooled(self, series: str) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT * FROM pooled WHERE series = ?", (series,))
        out = {}
        for r in rows:
            r["state"] = unpack_state(r["state"])
            r["extra"] = json.loads(r["extra"])
            out[r["metric"]] = r
        return out

    def set_unavailable(self, series: str, metric: str, reason: str | None) -> None:
        """Record (or, with ``reason=None``, clear) that ``metric`` could not run for ``series``."""
        with self.write() as cur:
            if reason is None:
                cur.execute("DELETE FROM unavailable WHERE series = ? AND metric = ?", (series, metric))
            else:
                cur.execute(
                    "INSERT OR REPLACE INTO unavailable (series, metric, reason, updated) VALUES (?, ?, ?, ?)",
                    (series, metric, reason, time.time()),
                )

    def get_unavailable(self, series: str) -> dict[str, str]:
        return {r["metric"]: r["reason"] for r in self._rows("SELECT * FROM unavailable WHERE series = ?", (series,))}

    # ------------------------------------------------------------------------------------------ ratings

    def put_ratings(self, rows: list[dict[str, Any]], source: str) -> int:
        """Insert user-study ratings (a re-import of the same participant/method/clip/question replaces it)."""
        now = time.time()
        with self.write() as cur:
            for r in rows:
                cur.execute(
                    "INSERT OR REPLACE INTO ratings (participant, method, clip, emotion, question, score, vote, source,"
                    " imported) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        r["participant"],
                        r["method"],
                        r["clip"],
                        r.get("emotion"),
                        r["question"],
                        r.get("score"),
                        r.get("vote"),
                        source,
                        now,
                    ),
                )
        return len(rows)

    def list_ratings(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM ratings ORDER BY participant, method, clip, question")
