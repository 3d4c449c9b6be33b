"""Opening the results database: schema and its migration, WAL, read-only folders, one-line errors.

- Writable: WAL mode with a busy timeout (concurrent runs and shards never lose rows), the schema
  created or migrated from an older version in one transaction. :func:`close` checkpoints the WAL
  into the database file and truncates it, so a cleanly closed store is one self-contained file.
- Read-only (``results``, ``table``): ``mode=ro``; in a folder this process cannot write (a
  read-only mount, another user's results) SQLite cannot create the WAL's shared-memory file, so a
  store without pending WAL content is opened ``immutable=1`` instead. A store whose ``-wal`` file
  still holds writes (its writer was killed) must be opened once where it can be written.

Every SQLite failure becomes one :class:`~eatbench.errors.EatbenchError` line that says what to do.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from eatbench.errors import EatbenchError

SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 60.0

SCHEMA = """
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
    num_shards INTEGER NOT NULL DEFAULT 1,
    n_failed INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    host TEXT NOT NULL DEFAULT '',
    pid INTEGER,
    proc_start TEXT NOT NULL DEFAULT '',
    scratch TEXT
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
    created REAL NOT NULL,
    failure TEXT
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
    failure TEXT,
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

# Schema 1 → 2: a run records its process (to tell a killed run from a running one), its failed clips
# and why it stopped; a failure records its kind (only deterministic ones are reused).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "ALTER TABLE runs ADD COLUMN n_failed INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE runs ADD COLUMN error TEXT",
        "ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN pid INTEGER",
        "ALTER TABLE runs ADD COLUMN proc_start TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN scratch TEXT",
        "ALTER TABLE videos ADD COLUMN failure TEXT",
        "ALTER TABLE metric_values ADD COLUMN failure TEXT",
    )
}


def friendly(err: sqlite3.Error, path: Path) -> EatbenchError:
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


def open_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (see the module docstring); never creates or changes a file.

    Raises:
        EatbenchError: no store there, or it cannot be read.
    """
    if not path.is_file():
        raise EatbenchError(f"no results store at {path}; run `eatbench run ...` first (or set EATBENCH_HOME)")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    if not os.access(path.parent, os.W_OK):
        if wal.is_file() and wal.stat().st_size > 0:
            raise EatbenchError(
                f"results store {path}: its write-ahead log {wal.name} still holds writes and the folder is "
                "read-only; open the store once where it can be written (any `eatbench results list`) to fold them in"
            )
        uri += "&immutable=1"  # no writer can exist in a folder nobody may write: no locks, no -shm
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as err:
        raise friendly(err, path) from None
    return conn


def open_writable(path: Path) -> sqlite3.Connection:
    """A WAL-mode connection with the schema created or migrated to :data:`SCHEMA_VERSION`.

    Raises:
        EatbenchError: the folder cannot be created, the file is read-only or full, or the store was
            written by a newer eatbench.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise EatbenchError(f"results store {path}: cannot create its folder ({err})") from None
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # Switching a new database to WAL takes an exclusive lock without calling the busy
        # handler, so processes that create the store at once (shards) retry here.
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                break
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        if mode.lower() != "wal":
            raise sqlite3.OperationalError(
                f"could not switch to WAL mode (got {mode}); attempt to write a readonly database"
            )
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _create_or_migrate(conn, path)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as err:
        raise friendly(err, path) from None
    return conn


def _create_or_migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Inside one transaction: create the tables of a new store, or migrate an older one."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() if has_meta else None
    version = SCHEMA_VERSION if found is None else int(found[0])
    if version > SCHEMA_VERSION:
        raise EatbenchError(
            f"results store {path} has schema version {version}, this eatbench writes {SCHEMA_VERSION}; "
            "upgrade eatbench or move the file aside to start a new store"
        )
    while version < SCHEMA_VERSION:
        for stmt in MIGRATIONS[version]:
            conn.execute(stmt)
        version += 1
    for stmt in SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


def checkpoint_and_close(conn: sqlite3.Connection) -> None:
    """Fold the WAL into the database file, truncate it, and close (best effort: another reader may hold it)."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass
    conn.close()
