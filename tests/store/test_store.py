"""The results store: round trips, concurrent writers, read-only and full databases stay intact."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from eatbench.errors import EatbenchError
from eatbench.store import MetricKey, MetricValue, PooledValue, ResultsStore, VideoRecord, pack_state, unpack_state


def _fill(store: ResultsStore, n: int = 3) -> None:
    for i in range(n):
        store.put_video(
            VideoRecord(
                key=f"k{i}",
                method="m",
                variant=None,
                method_version="1",
                weights_hash="",
                dataset="demo",
                clip_id=f"c{i}",
                emotion="happy",
                seed=0,
                status="ok",
                path=f"/x/{i}.mkv",
                video_hash=f"h{i}",
                run_id=1,
            )
        )
        store.put_metric_values(f"h{i}", [MetricValue(MetricKey("psnr", "p/v1", "", "{}"), "ok", {"s": i}, i)], 1)


def test_wal_mode_busy_timeout_and_round_trip(tmp_path):
    store = ResultsStore(tmp_path / "r.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000
    _fill(store)
    assert [v.clip_id for v in store.list_videos()] == ["c0", "c1", "c2"]
    got = store.get_metric_values("h1", [MetricKey("psnr", "p/v1", "", "{}"), MetricKey("psnr", "p/v2", "", "{}")])
    assert list(got) == ["psnr"] and got["psnr"].state == {"s": 1} and got["psnr"].value == 1
    # floats survive the compressed JSON exactly
    x = {"a": 0.1 + 0.2, "b": [1e-300, 2.0 / 3.0]}
    assert unpack_state(pack_state(x)) == x


def test_pooled_rows_never_go_back_to_fewer_clips(tmp_path):
    store = ResultsStore(tmp_path / "r.db")
    key = MetricKey("fid", "fid/v1", "abc", "{}")
    store.put_pooled("s", PooledValue(key, 2.0, 6, 6, 0, {"n": 1}, run_id=1))
    store.put_pooled("s", PooledValue(key, 9.0, 3, 6, 0, {"n": 1}, run_id=2))  # a shard that finished earlier
    assert store.get_pooled("s")["fid"].value == 2.0
    store.put_pooled("s", PooledValue(MetricKey("fid", "fid/v2", "abc", "{}"), 5.0, 1, 6, 0, {"n": 1}, run_id=3))
    pooled = store.get_pooled("s")["fid"]
    assert pooled.value == 5.0 and pooled.protocol == "fid/v2"  # a new protocol replaces the old one
    assert pooled["value"] == 5.0  # records read like the dict rows of schema 1 too


def test_readonly_open_needs_an_existing_store(tmp_path):
    with pytest.raises(EatbenchError, match=r"no results store at .*run `eatbench run"):
        ResultsStore(tmp_path / "absent.db", readonly=True)
    _fill(ResultsStore(tmp_path / "r.db"))
    ro = ResultsStore(tmp_path / "r.db", readonly=True)
    assert len(ro.list_videos()) == 3
    with pytest.raises(EatbenchError, match="opened read-only"):
        _fill(ro)


_WRITER = """
import os, sys
from eatbench.store import ResultsStore
from eatbench.errors import EatbenchError
if os.geteuid() == 0:  # root ignores file modes: write as an unprivileged user
    os.setuid(65534)
try:
    s = ResultsStore(sys.argv[1])
    s.put_ratings([{"participant": "p9", "method": "m", "clip": "c", "question": "emo", "score": 5}], "x")
except EatbenchError as e:
    print("ERR", e)
    sys.exit(2)
"""


def test_a_read_only_store_gives_one_clear_line_and_stays_intact():
    d = Path(tempfile.mkdtemp(prefix="eatbench-ro-"))
    try:
        store = ResultsStore(d / "r.db")
        _fill(store)
        store.put_ratings([{"participant": "p1", "method": "m", "clip": "c", "question": "emo", "score": 7}], "x")
        store.close()  # a clean close: everything is in the database file
        before = (d / "r.db").read_bytes()
        for p in [d, *d.iterdir()]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        res = subprocess.run(
            [sys.executable, "-c", _WRITER, str(d / "r.db")],
            capture_output=True,
            text=True,
            cwd=str(Path(__file__).resolve().parents[2]),
            timeout=60,
        )
        assert res.returncode == 2, res.stderr
        line = res.stdout.strip()
        assert line.startswith("ERR results store") and "read-only" in line and "\n" not in line
        assert (d / "r.db").read_bytes() == before
        store = ResultsStore(d / "r.db", readonly=True)
        assert len(store.list_videos()) == 3 and len(store.list_ratings()) == 1
    finally:
        for p in [d, *d.iterdir()]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        shutil.rmtree(d)


def test_a_full_store_rolls_back_and_stays_intact(tmp_path):
    store = ResultsStore(tmp_path / "r.db")
    _fill(store)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk full" (SQLITE_FULL)
    big = [
        {"participant": f"p{i}", "method": "m" * 2000, "clip": "c", "question": "emo", "score": 1} for i in range(200)
    ]
    with pytest.raises(EatbenchError, match=r"disk is full.*rolled back.*intact"):
        store.put_ratings(big, "x")
    store.close()
    fresh = ResultsStore(tmp_path / "r.db")
    assert fresh.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert fresh.list_ratings() == [] and len(fresh.list_videos()) == 3


def test_a_newer_schema_is_refused(tmp_path):
    ResultsStore(tmp_path / "r.db").close()
    con = sqlite3.connect(tmp_path / "r.db")
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(EatbenchError, match="schema version 99"):
        ResultsStore(tmp_path / "r.db")


_OPENER = """
import sys, time
from eatbench.store import ResultsStore
t0 = float(sys.argv[2])
while time.time() < t0:
    pass
s = ResultsStore(sys.argv[1])
s.put_ratings([{"participant": sys.argv[3], "method": "m", "clip": f"c{i}", "question": "emo", "score": 5} for i in range(20)], "x")
"""


def test_processes_creating_a_fresh_store_at_once_lose_nothing(tmp_path):
    import time

    root = str(Path(__file__).resolve().parents[2])
    for attempt in range(3):  # the race is on creation: start every process on the same instant
        db = tmp_path / f"r{attempt}.db"
        start = time.time() + 1.5
        procs = [
            subprocess.Popen([sys.executable, "-c", _OPENER, str(db), str(start), f"p{i}"], cwd=root) for i in range(4)
        ]
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
        assert len(ResultsStore(db, readonly=True).list_ratings()) == 80


_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, series TEXT NOT NULL, started REAL NOT NULL,
  finished REAL, status TEXT NOT NULL, command TEXT NOT NULL, version TEXT NOT NULL, git_commit TEXT NOT NULL,
  config TEXT NOT NULL, profile TEXT NOT NULL, machine TEXT NOT NULL, shard INTEGER NOT NULL DEFAULT 0,
  num_shards INTEGER NOT NULL DEFAULT 1);
INSERT INTO runs (series, started, finished, status, command, version, git_commit, config, profile, machine)
  VALUES ('s', 1.0, 2.0, 'finished', 'eatbench run', '0.1.0', 'abc', '{}', 'demo', '{}');
CREATE TABLE videos (key TEXT PRIMARY KEY, method TEXT NOT NULL, variant TEXT, method_version TEXT NOT NULL,
  weights_hash TEXT NOT NULL, dataset TEXT NOT NULL, clip_id TEXT NOT NULL, emotion TEXT, seed INTEGER NOT NULL,
  status TEXT NOT NULL, path TEXT, video_hash TEXT, error TEXT, seconds REAL, run_id INTEGER, created REAL NOT NULL);
INSERT INTO videos VALUES ('k', 'm', NULL, '1', '', 'demo', 'c', 'happy', 0, 'failed', NULL, NULL, 'boom', 1.0, 1, 1.0);
CREATE TABLE metric_values (video_hash TEXT NOT NULL, metric TEXT NOT NULL, protocol TEXT NOT NULL,
  judge_hash TEXT NOT NULL, settings TEXT NOT NULL, status TEXT NOT NULL, state BLOB, value REAL, error TEXT,
  seconds REAL, run_id INTEGER, created REAL NOT NULL, PRIMARY KEY (video_hash, metric, protocol, judge_hash, settings));
"""


def test_a_schema_1_store_is_migrated_and_its_rows_kept(tmp_path):
    con = sqlite3.connect(tmp_path / "r.db")
    con.executescript(_V1)
    con.close()
    store = ResultsStore(tmp_path / "r.db")
    assert store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
    (run,) = store.list_runs()
    assert (run.status, run.n_failed, run.pid) == ("finished", 0, None)
    (video,) = store.list_videos()
    assert (video.status, video.error, video.failure) == ("failed", "boom", None)  # unknown kind: retried


def test_a_run_whose_process_died_reads_interrupted_and_its_scratch_is_removed(tmp_path):
    import subprocess

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "half.mkv").write_bytes(b"half a file")
    code = (
        "import sys; from pathlib import Path; from eatbench.store import ResultsStore; "
        "s = ResultsStore(sys.argv[1]); s.start_run(series='s', command='c', version='v', git_commit='g', "
        "config={}, profile='demo', machine={}, scratch=Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "r.db"), str(scratch)], check=True, timeout=60,
                   cwd=str(Path(__file__).resolve().parents[2]))  # fmt: skip
    # the process is gone but its run says "running": a read-only reader shows it interrupted ...
    assert [r.status for r in ResultsStore(tmp_path / "r.db", readonly=True).list_runs()] == ["interrupted"]
    assert scratch.exists()
    # ... and the next writer records it and removes its temporary files
    store = ResultsStore(tmp_path / "r.db")
    assert store.conn.execute("SELECT status FROM runs").fetchone()[0] == "interrupted"
    assert not scratch.exists()
    # a live run (this process) stays running
    store.start_run(series="s", command="c", version="v", git_commit="g", config={}, profile="demo", machine={})
    assert [r.status for r in ResultsStore(tmp_path / "r.db").list_runs()] == ["interrupted", "running"]


_READER = """
import os, sys
if os.geteuid() == 0 and sys.argv[2] == "drop":  # root ignores file modes: read as an unprivileged user
    os.setgid(65534); os.setuid(65534)
from typer.testing import CliRunner
from eatbench.cli import app
for args in (["results", "list"], ["results", "show"], ["results", "export", "--format", "jsonl"],
             ["table", "1", "--dataset", "demo"]):
    r = CliRunner().invoke(app, [*args, *(["--store", sys.argv[1]] if args[0] == "results" else [])])
    print("EXIT", args[0], args[1], r.exit_code, r.output.replace(chr(10), " ")[:3000])
"""


def _nobody_can_run_python() -> bool:
    code = "import os; os.setgid(65534); os.setuid(65534); import logging, typer"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60).returncode == 0


def test_a_cleanly_finished_store_is_read_from_a_read_only_folder(tmp_path):
    from eatbench.store import PooledValue, SeriesRecord

    d = Path(tempfile.mkdtemp(prefix="eatbench-ro-read-"))
    try:
        store = ResultsStore(d / "results.db")
        _fill(store)
        store.put_series(SeriesRecord("s", "m", "m", None, "demo", "test", "demo", 0, None, {}, ()))
        store.put_pooled("s", PooledValue(MetricKey("psnr", "p/v1", "", "{}"), 31.5, 3, 3, 0, {}))
        run = store.start_run(series="s", command="c", version="v", git_commit="g", config={}, profile="demo",
                              machine={})  # fmt: skip
        store.finish_run(run, "finished")
        store.close()  # a clean close folds the WAL into the file
        assert not (d / "results.db-wal").exists() or (d / "results.db-wal").stat().st_size == 0
        for p in [d, *d.iterdir()]:
            os.chmod(p, 0o555 if p.is_dir() else 0o444)
        before = {p.name: p.read_bytes() for p in d.iterdir()}
        env = {**os.environ, "EATBENCH_HOME": str(d), "COLUMNS": "200"}
        # As root, read as nobody where the interpreter lets us (else as root: the folder's mode says
        # read-only, and the check below shows that nothing was written).
        drop = os.geteuid() == 0 and _nobody_can_run_python()
        res = subprocess.run([sys.executable, "-c", _READER, str(d / "results.db"), "drop" if drop else "keep"],
                             capture_output=True, text=True, env=env, cwd=str(Path(__file__).resolve().parents[2]),
                             timeout=300)  # fmt: skip
        exits = [line.split() for line in res.stdout.splitlines() if line.startswith("EXIT")]
        assert len(exits) == 4, res.stdout + res.stderr
        assert all(e[3] == "0" for e in exits), res.stdout
        assert "31.5" in res.stdout and "finished" in res.stdout
        assert {p.name: p.read_bytes() for p in d.iterdir()} == before  # no file created or changed
    finally:
        for p in [d, *d.iterdir()]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        shutil.rmtree(d)
