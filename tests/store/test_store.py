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
        _fill(ResultsStore(d / "r.db"))
        ResultsStore(d / "r.db").put_ratings(
            [{"participant": "p1", "method": "m", "clip": "c", "question": "emo", "score": 7}], "x"
        )
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
