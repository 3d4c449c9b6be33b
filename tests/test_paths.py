"""eatbench.paths: settings that must be folders, and atomic writes under real faults.

A full disk is a real tmpfs of a few hundred KB, a failing writer a third-party call that raises
midway, a killed writer a process sent SIGKILL: in every case the destination is absent or the
previous complete file, and no temporary file is left beside it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from fs_faults import tmpfs

from eatbench.errors import EnvironmentFault
from eatbench.io import Audio, read_video, write_audio, write_video
from eatbench.paths import atomic_copy, atomic_write_text, eatbench_home, ensure_folder, weights_dir


@pytest.fixture
def clip():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (64, 64, 64, 3), dtype=np.uint8)  # noise: ~0.8 MB in FFV1, far over the fs
    audio = Audio(rng.uniform(-0.5, 0.5, 16000 * 64 // 25).astype(np.float32))
    return frames, audio


WRITERS = {
    "mkv": lambda p, c: write_video(p, c[0], audio=c[1]),
    "mp4": lambda p, c: write_video(p, c[0], audio=c[1], lossless=False),
    "wav": lambda p, c: write_audio(p, Audio(np.tile(c[1].samples, 20))),
    "json": lambda p, c: atomic_write_text(p, "[" + ",".join(["1.0"] * 200_000) + "]"),
    "copy": lambda p, c: atomic_copy(c[2], p),
}


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_full_disk_leaves_the_previous_file_and_no_temporary(tmp_path, clip, fmt):
    big = tmp_path / "big.bin"
    big.write_bytes(np.random.default_rng(1).bytes(2_000_000))
    with tmpfs(tmp_path / "fs", size="128k") as fs:  # every output below is several times larger
        final = fs / f"out.{'mkv' if fmt == 'copy' else fmt}"
        final.write_bytes(b"previous complete file")
        with pytest.raises(EnvironmentFault) as err:
            WRITERS[fmt](final, (*clip, big))
        msg = str(err.value)
        assert msg.startswith(f"{final}: ") and "No space left on device" in msg and "\n" not in msg
        assert final.read_bytes() == b"previous complete file"
        assert [p.name for p in fs.iterdir()] == [final.name]


def test_a_writer_that_fails_midway_leaves_nothing(tmp_path, clip, monkeypatch):
    import av

    real = av.VideoFrame.from_ndarray
    calls = []

    def fails_on_the_tenth(*args, **kwargs):
        calls.append(1)
        if len(calls) == 10:
            raise RuntimeError("encoder crashed")
        return real(*args, **kwargs)

    monkeypatch.setattr(av.VideoFrame, "from_ndarray", fails_on_the_tenth)
    with pytest.raises(RuntimeError, match="encoder crashed"):
        write_video(tmp_path / "v.mkv", clip[0])
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writer_leaves_no_partial_destination(tmp_path):
    """SIGKILL while a long video is being encoded: the destination never exists in part."""
    final = tmp_path / "v.mkv"
    code = (
        "import numpy as np; from eatbench.io import write_video;"
        "f = np.random.default_rng(0).integers(0, 256, (1500, 128, 128, 3), dtype=np.uint8);"
        f"print('start', flush=True); write_video({str(final)!r}, f)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    deadline = time.monotonic() + 120
    while not any(p.name.startswith(".v.") for p in tmp_path.iterdir()):  # the temporary file is being written
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not final.exists()


def test_a_complete_write_replaces_the_previous_file(tmp_path, clip):
    final = tmp_path / "v.mkv"
    final.write_bytes(b"old")
    write_video(final, clip[0][:5])
    assert read_video(final).num_frames == 5
    assert [p.name for p in tmp_path.iterdir()] == ["v.mkv"]


def test_home_and_weights_must_be_folders(tmp_path, monkeypatch):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    monkeypatch.setenv("EATBENCH_HOME", str(tmp_path / "home"))
    assert eatbench_home() == tmp_path / "home"  # a missing folder is fine: it is created on use
    for var, get in (("EATBENCH_HOME", eatbench_home), ("EATBENCH_WEIGHTS", weights_dir)):
        for value, says in ((a_file, "is a file"), (a_file / "sub", f"lies under {a_file}, which is a file")):
            monkeypatch.setenv(var, str(value))
            with pytest.raises(EnvironmentFault, match=f"{var}={value}: {says}, not a folder; point {var} at a folder"):
                get()
        monkeypatch.delenv(var)


def test_ensure_folder_refuses_a_read_only_folder_and_a_path_under_a_file(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(EnvironmentFault, match=r"--out .*a-file/out: Not a directory \(a part of this path is a file"):
        ensure_folder(a_file / "out", "--out")
    assert ensure_folder(tmp_path / "new" / "out") == tmp_path / "new" / "out"
    assert list((tmp_path / "new" / "out").iterdir()) == []  # the probe file is gone
    with tmpfs(tmp_path / "ro", readonly=True) as ro:
        with pytest.raises(EnvironmentFault, match=r"read-only"):
            ensure_folder(ro, "--out")
        with pytest.raises(EnvironmentFault, match=r"out\.mkv: Read-only file system"):
            write_video(ro / "out.mkv", np.zeros((2, 8, 8, 3), np.uint8))
