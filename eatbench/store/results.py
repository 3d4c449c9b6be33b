"""The results store: one SQLite database under ``EATBENCH_HOME`` that records what finished.

Tables (schema version :data:`~eatbench.store.connection.SCHEMA_VERSION`), each read and written as
the typed records of :mod:`eatbench.store.records`:

- ``runs`` (:class:`RunRecord`): one row per process of a run: command line, eatbench version, git
  commit, config, judge profile, machine, shard index and count, status, failed clips, and the
  process (host, pid, start token) so that a run killed by SIGKILL is shown ``interrupted`` (and its
  temporary folder removed) the next time the store is opened;
- ``series`` (:class:`SeriesRecord`): a *result set* (method, variant, dataset, split, seed, emotion
  override, profile and the exact clip list). Tables read series; several runs feed one series;
- ``videos`` (:class:`VideoRecord`): generated videos by cache key: path, content hash, status
  (``ok`` or ``failed`` with the error and its kind);
- ``metric_values`` (:class:`MetricValue`): per-clip metric states keyed by (video hash, metric,
  protocol, judge weights hash, settings), or the error;
- ``pooled`` (:class:`PooledValue`): the merged state and value of each metric over a series;
- ``unavailable``: metrics that could not run for a series (missing weights), with the reason;
- ``ratings``: imported user-study ratings (see :mod:`eatbench.report.study`).

Every write is one ``BEGIN IMMEDIATE`` transaction: concurrent runs (or shards) never lose rows, and
a process killed at any point leaves the store as it was before that transaction. Opening, closing
and one-line errors: :mod:`eatbench.store.connection`.

Example:
    >>> import tempfile, pathlib
    >>> store = ResultsStore(pathlib.Path(tempfile.mkdtemp()) / "results.db")
    >>> store.list_runs()
    []
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from eatbench.errors import EatbenchError
from eatbench.paths import eatbench_home
from eatbench.store import connection, liveness
from eatbench.store.records import (
    MetricKey,
    MetricValue,
    PooledValue,
    RunRecord,
    SeriesRecord,
    VideoRecord,
    canonical_json,
    pack_state,
)

log = logging.getLogger(__name__)


def default_store_path() -> Path:
    """``$EATBENCH_HOME/results.db``."""
    return eatbench_home() / "results.db"


class ResultsStore:
    """The SQLite results database. One instance per process.

    Args:
        path: the database file; defaults to ``$EATBENCH_HOME/results.db``.
        readonly: open for reading only (``results``/``table`` commands); never creates or changes a file.

    Raises:
        EatbenchError: the file cannot be created or opened, is read-only when writing, or is full.
    """

    def __init__(self, path: str | Path | None = None, readonly: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.readonly = readonly
        if readonly:
            self.conn = connection.open_readonly(self.path)
        else:
            self.conn = connection.open_writable(self.path)
            self.reap_interrupted()

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
            raise connection.friendly(err, self.path) from None
        try:
            yield cur
            cur.execute("COMMIT")
        except sqlite3.Error as err:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise connection.friendly(err, self.path) from None
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                cur.execute("ROLLBACK")
            raise

    def _rows(self, sql: str, args: tuple = ()) -> list[dict[str, Any]]:
        try:
            cur = self.conn.execute(sql, args)
        except sqlite3.Error as err:
            raise connection.friendly(err, self.path) from None
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        """Close; a writable store folds its WAL into the database file first (see connection)."""
        if self.readonly:
            self.conn.close()
        else:
            connection.checkpoint_and_close(self.conn)

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
        scratch: Path | None = None,
    ) -> int:
        """Record a run of this process (status ``running``) and return its id."""
        host, pid, token = liveness.this_process()
        with self.write() as cur:
            cur.execute(
                "INSERT INTO runs (series, started, status, command, version, git_commit, config, profile, machine,"
                " shard, num_shards, host, pid, proc_start, scratch)"
                " VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    host,
                    pid,
                    token,
                    None if scratch is None else str(scratch),
                ),
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str = "finished", n_failed: int = 0, error: str | None = None) -> None:
        """Record how a run ended: ``finished`` (with its failed clips), ``interrupted`` or ``failed``."""
        with self.write() as cur:
            cur.execute(
                "UPDATE runs SET finished = ?, status = ?, n_failed = ?, error = ? WHERE id = ?",
                (time.time(), status, n_failed, error, run_id),
            )

    def list_runs(self) -> list[RunRecord]:
        """Every run, oldest first; a run whose process died is shown ``interrupted``."""
        runs = [RunRecord.from_row(r) for r in self._rows("SELECT * FROM runs ORDER BY id")]
        return [_shown(r) for r in runs]

    def get_run(self, run_id: int) -> RunRecord | None:
        rows = self._rows("SELECT * FROM runs WHERE id = ?", (run_id,))
        return _shown(RunRecord.from_row(rows[0])) if rows else None

    def reap_interrupted(self) -> list[RunRecord]:
        """Mark the runs whose process died while ``running`` as ``interrupted`` and remove their
        temporary folders; return them."""
        dead = [
            r
            for r in (RunRecord.from_row(x) for x in self._rows("SELECT * FROM runs WHERE status = 'running'"))
            if not liveness.is_alive(r.host, r.pid, r.proc_start)
        ]
        for r in dead:
            with self.write() as cur:
                cur.execute("UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running'", (r.id,))
            if r.scratch:
                shutil.rmtree(r.scratch, ignore_errors=True)
            log.info("run %d (pid %s) died while running: marked interrupted", r.id, r.pid)
        return dead

    # ------------------------------------------------------------------------------------------- series

    def put_series(self, record: SeriesRecord) -> None:
        """Insert or refresh a series: the same key is the same result set, whose clips' video keys
        follow their inputs (an ingested file that changed is another video)."""
        with self.write() as cur:
            cur.execute(
                "INSERT INTO series (series, label, method, variant, dataset, split, profile, seed, emotion, config,"
                " clips, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(series) DO UPDATE SET"
                " updated = excluded.updated, clips = excluded.clips, config = excluded.config",
                (
                    record.series,
                    record.label,
                    record.method,
                    record.variant,
                    record.dataset,
                    record.split,
                    record.profile,
                    record.seed,
                    record.emotion,
                    canonical_json(record.config),
                    canonical_json([c.__dict__ for c in record.clips]),
                    time.time(),
                ),
            )

    def list_series(self, dataset: str | None = None) -> list[SeriesRecord]:
        """Every series (of one dataset), least recently updated first."""
        sql, args = "SELECT * FROM series", ()
        if dataset is not None:
            sql, args = sql + " WHERE lower(dataset) = lower(?)", (dataset,)
        return [SeriesRecord.from_row(r) for r in self._rows(sql + " ORDER BY updated", args)]

    def get_series(self, series: str) -> SeriesRecord | None:
        rows = self._rows("SELECT * FROM series WHERE series = ?", (series,))
        return SeriesRecord.from_row(rows[0]) if rows else None

    # ------------------------------------------------------------------------------------------- videos

    def get_video(self, key: str) -> VideoRecord | None:
        rows = self._rows("SELECT * FROM videos WHERE key = ?", (key,))
        return VideoRecord(**rows[0]) if rows else None

    def get_videos(self, keys: list[str]) -> dict[str, VideoRecord]:
        out: dict[str, VideoRecord] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._rows(f"SELECT * FROM videos WHERE key IN ({marks})", tuple(chunk)):
                out[r["key"]] = VideoRecord(**r)
        return out

    def put_video(self, record: VideoRecord) -> None:
        """Record a generated video (status ``ok``) or a failure (status ``failed`` with its error and kind)."""
        row = {**record.__dict__, "created": time.time()}
        with self.write() as cur:
            cur.execute(
                f"INSERT OR REPLACE INTO videos ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row
            )

    def list_videos(self) -> list[VideoRecord]:
        return [VideoRecord(**r) for r in self._rows("SELECT * FROM videos ORDER BY created")]

    # ------------------------------------------------------------------------------------ metric values

    def get_metric_values(self, video_hash: str, keys: list[MetricKey]) -> dict[str, MetricValue]:
        """The stored values for ``video_hash`` under each key, by metric name (absent keys are missing)."""
        wanted = {(k.metric, k.protocol, k.judge_hash, k.settings) for k in keys}
        out: dict[str, MetricValue] = {}
        for row in self._rows("SELECT * FROM metric_values WHERE video_hash = ?", (video_hash,)):  # one query
            if (row["metric"], row["protocol"], row["judge_hash"], row["settings"]) in wanted:
                out[row["metric"]] = MetricValue.from_row(row)
        return out

    def put_metric_values(self, video_hash: str, values: list[MetricValue], run_id: int | None) -> None:
        """Store one clip's metric results in one transaction."""
        now = time.time()
        with self.write() as cur:
            for v in values:
                k = v.key
                cur.execute(
                    "INSERT OR REPLACE INTO metric_values (video_hash, metric, protocol, judge_hash, settings, status,"
                    " state, value, error, failure, seconds, run_id, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        video_hash,
                        k.metric,
                        k.protocol,
                        k.judge_hash,
                        k.settings,
                        v.status,
                        None if v.state is None else pack_state(v.state),
                        v.value,
                        v.error,
                        v.failure,
                        v.seconds,
                        run_id,
                        now,
                    ),
                )

    def list_metric_values(self) -> list[MetricValue]:
        """Every per-clip value (states left out), oldest first."""
        rows = self._rows(
            "SELECT video_hash, metric, protocol, judge_hash, settings, status, value, error, failure, seconds,"
            " run_id, created FROM metric_values ORDER BY created"
        )
        return [MetricValue.from_row(r) for r in rows]

    # ------------------------------------------------------------------------------------------- pooled

    def put_pooled(self, series: str, pooled: PooledValue) -> None:
        """Store a series' merged state for one metric.

        Per-clip rows are only ever added, so under the same protocol, judge and settings a pooled row
        over fewer clips is older: shards finishing out of order never overwrite a fuller merge.
        """
        k = pooled.key
        with self.write() as cur:
            held = cur.execute(
                "SELECT n_clips FROM pooled WHERE series = ? AND metric = ? AND protocol = ? AND judge_hash = ?"
                " AND settings = ?",
                (series, k.metric, k.protocol, k.judge_hash, k.settings),
            ).fetchone()
            if held is not None and held[0] > pooled.n_clips:
                return
            cur.execute(
                "INSERT OR REPLACE INTO pooled (series, metric, protocol, judge_hash, settings, state, value, n_clips,"
                " n_expected, n_failed, extra, run_id, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    series,
                    k.metric,
                    k.protocol,
                    k.judge_hash,
                    k.settings,
                    None if pooled.state is None else pack_state(pooled.state),
                    pooled.value,
                    pooled.n_clips,
                    pooled.n_expected,
                    pooled.n_failed,
                    canonical_json(pooled.extra or {}),
                    pooled.run_id,
                    time.time(),
                ),
            )

    def get_pooled(self, series: str) -> dict[str, PooledValue]:
        """The pooled value of each metric of ``series``, by metric name."""
        rows = self._rows("SELECT * FROM pooled WHERE series = ?", (series,))
        return {r["metric"]: PooledValue.from_row(r) for r in rows}

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


def _shown(r: RunRecord) -> RunRecord:
    """A ``running`` run whose process is gone reads ``interrupted`` (also where the store is read-only)."""
    if r.status == "running" and not liveness.is_alive(r.host, r.pid, r.proc_start):
        return replace(r, status="interrupted")
    return r
