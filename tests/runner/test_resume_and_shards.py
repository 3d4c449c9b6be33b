"""Runs in separate processes: SIGKILL at several points then resume, concurrent writers, 2-process shards."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eatbench.store import ResultsStore

FAKES = Path(__file__).resolve().parent / "runner_fakes.py"


def _cmd(corpus: Path, store: Path, videos: Path, out: Path | None = None, *extra: str) -> list[str]:
    cmd = [sys.executable, str(FAKES), "--corpus", str(corpus), "--store", str(store), "--videos", str(videos)]
    return [*cmd, *(["--out", str(out)] if out else []), *extra]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FAKE_KILL", "WORLD_SIZE", "RANK", "LOCAL_RANK")}
    return {**env, "HF_HUB_OFFLINE": "1", **extra}


def _final(out: Path) -> dict[str, float]:
    return {m["name"]: m["value"] for m in json.loads(out.read_text())["metrics"]}


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory) -> dict[str, float]:
    """The numbers of one uninterrupted run."""
    d = tmp_path_factory.mktemp("uninterrupted")
    subprocess.run(_cmd(corpus, d / "r.db", d / "v", d / "out.json"), check=True, env=_env(), timeout=120)
    return _final(d / "out.json")


@pytest.mark.parametrize("kill", ["generate:3", "metric:4", "metric:1"])
def test_sigkill_inside_the_run_then_resume(tmp_path, corpus, reference, kill):
    store, videos = tmp_path / "r.db", tmp_path / "v"
    killed = subprocess.run(_cmd(corpus, store, videos), env=_env(FAKE_KILL=kill), timeout=120)
    assert killed.returncode == -signal.SIGKILL
    before = ResultsStore(store).list_videos()
    done_before = {v["key"] for v in before}
    assert len(done_before) < 6
    # no half-written file was recorded, and none sits at a final path
    for v in before:
        assert v["status"] == "ok" and Path(v["path"]).stat().st_size > 1000
    subprocess.run(_cmd(corpus, store, videos, tmp_path / "out.json"), check=True, env=_env(), timeout=120)
    after = ResultsStore(store).list_videos()
    assert len(after) == 6 and all(v["status"] == "ok" for v in after)
    kept = {v["key"]: v for v in after}
    for v in before:  # nothing already stored was lost or redone
        assert kept[v["key"]]["video_hash"] == v["video_hash"] and kept[v["key"]]["run_id"] == v["run_id"]
    assert _final(tmp_path / "out.json") == reference
    statuses = [r.status for r in ResultsStore(store).list_runs()]
    assert statuses == ["interrupted", "finished"]  # the killed run is found dead when the store is next opened


def test_external_sigkill_at_a_random_moment_then_resume(tmp_path, corpus, reference):
    store, videos = tmp_path / "r.db", tmp_path / "v"
    proc = subprocess.Popen(_cmd(corpus, store, videos), env=_env())
    deadline = time.time() + 60
    while time.time() < deadline:  # kill once the first clip is stored, mid-run
        if store.exists() and ResultsStore(store).list_metric_values():
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    subprocess.run(_cmd(corpus, store, videos, tmp_path / "out.json"), check=True, env=_env(), timeout=120)
    assert _final(tmp_path / "out.json") == reference


def test_two_processes_writing_at_once_lose_no_rows(tmp_path, corpus):
    store = tmp_path / "r.db"
    procs = [
        subprocess.Popen(_cmd(corpus, store, tmp_path / f"v{i}", None, "--seed", str(i)), env=_env()) for i in (1, 2)
    ]
    for p in procs:
        assert p.wait(timeout=180) == 0
    s = ResultsStore(store)
    assert len(s.list_videos()) == 12
    assert len(s.list_metric_values()) == 24
    assert len(s.list_series()) == 2
    assert [r["status"] for r in s.list_runs()] == ["finished", "finished"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_two_shards_merge_into_one_store(tmp_path, corpus, reference):
    store, videos = tmp_path / "r.db", tmp_path / "v"
    port = str(_free_port())
    procs = []
    for rank in (0, 1):
        env = _env(
            WORLD_SIZE="2",
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            LOCAL_WORLD_SIZE="2",
            MASTER_ADDR="127.0.0.1",
            MASTER_PORT=port,
            CUDA_VISIBLE_DEVICES="",
        )
        out = tmp_path / f"out{rank}.json"
        procs.append(subprocess.Popen(_cmd(corpus, store, videos, out), env=env))
    for p in procs:
        assert p.wait(timeout=240) == 0
    s = ResultsStore(store)
    runs = s.list_runs()
    assert sorted((r["shard"], r["num_shards"]) for r in runs) == [(0, 2), (1, 2)]
    by_run = {r["id"]: r["shard"] for r in runs}
    shards = sorted(by_run[v["run_id"]] for v in s.list_videos())
    assert shards == [0, 0, 0, 1, 1, 1]  # each process generated its half
    # both processes report the merged numbers of the whole series; the pooled state covers all clips
    for rank in (0, 1):
        summary = json.loads((tmp_path / f"out{rank}.json").read_text())
        assert summary["n_shard"] == 3
        assert _final(tmp_path / f"out{rank}.json") == reference
    pooled = s.get_pooled(s.list_series()[0]["series"])
    assert {m: (p["n_clips"], p["n_expected"]) for m, p in pooled.items()} == {"fake-mae": (6, 6), "fake-std": (6, 6)}
    assert pooled["fake-std"]["value"] == reference["fake-std"]


@pytest.mark.slow
def test_a_real_accelerate_launch_shards_on_cpu(tmp_path, corpus, reference):
    # On a machine without GPUs, `--multi_gpu` makes accelerate start N processes (torchrun) that
    # fall back to the gloo backend; `--cpu` alone starts one process unless MPI is set up.
    store, videos = tmp_path / "r.db", tmp_path / "v"
    launcher = Path(sys.executable).with_name("accelerate")
    cmd = [str(launcher), "launch", "--multi_gpu", "--num_processes", "2", "--main_process_port", str(_free_port())]
    cmd += _cmd(corpus, store, videos, tmp_path / "out.json")[1:]
    res = subprocess.run(cmd, env=_env(CUDA_VISIBLE_DEVICES=""), capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    runs = ResultsStore(store).list_runs()
    assert sorted((r["shard"], r["num_shards"], r["status"]) for r in runs) == [(0, 2, "finished"), (1, 2, "finished")]
    assert _final(tmp_path / "out.json") == reference
