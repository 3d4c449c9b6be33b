"""The hostile-input sweep (issue 12): bad inputs and faults across the CLI, each run as a user runs it.

Every case is the real ``eatbench`` command in a subprocess, with its own ``EATBENCH_HOME``. An error is
exactly one line on stderr that starts with ``error:``, no traceback, and the documented exit code
(eatbench.errors: 1 a check failed, 2 usage or bad input, 3 not built, 4 environment fault); a case
that must succeed (an input the documentation says is accepted) exits 0 and prints no error. Faults
are real: a read-only folder and a full disk are tmpfs mounts (skipped where mounting is refused).

Cases whose fix belongs to another branch are in the table too, marked ``xfail(strict=True)`` with
the branch named; the lead removes the mark when merging that branch.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from fs_faults import tmpfs

from eatbench.errors import EXIT_CHECK_FAILED, EXIT_ENVIRONMENT, EXIT_USAGE


@dataclass(frozen=True)
class Case:
    """One hostile input: the command (``{name}`` placeholders name material files), what must happen."""

    id: str
    args: tuple[str, ...]
    code: int
    says: str = ""  # a fragment of the one error line
    env: dict[str, str] = field(default_factory=dict)  # values may hold placeholders too
    fault: str | None = None  # "read-only" or "full": a tmpfs mounted at {fault} for the case
    fixed_on: str | None = None  # the branch that fixes it (xfail until merged)


FACE = ("--image", "{face}", "--audio", "{speech}")
GEN = ("generate", "--method", "static-frame")
COMPUTE = ("metrics", "compute", "--profile", "demo", "--metrics", "psnr,ssim,lse-d")
RUN = ("run", "--method", "my-method", "--dataset", "mead", "--root", "{mead}", "--split", "all", "--metrics", "psnr")

CASES = [
    # Usage: the command line itself is wrong.
    Case("run-without-options", ("run",), EXIT_USAGE, "Missing option '--method'"),
    Case("misspelt-option", ("run", "--method", "static-frame", "--limt", "3"), EXIT_USAGE, "No such option: --limt"),
    Case("unknown-command", ("frobnicate",), EXIT_USAGE, "No such command 'frobnicate'"),
    Case("misspelt-group", ("dat", "info"), EXIT_USAGE, "Did you mean 'data'?"),
    Case("limit-not-a-number", ("run", "--method", "static-frame", "--limit", "abc"), EXIT_USAGE, "'--limit'"),
    Case("limit-zero", ("data", "prepare", "--limit", "0"), EXIT_USAGE, "'--limit'"),
    Case("option-without-value", ("metrics", "compute", "--gen"), EXIT_USAGE, "requires an argument"),
    Case("unknown-dataset", ("data", "info", "--dataset", "meed"), EXIT_USAGE, "did you mean 'mead'"),
    Case(
        "unknown-method",
        ("run", "--method", "statik-frame", "--dataset", "demo"),
        EXIT_USAGE,
        "did you mean 'static-frame'",
    ),
    Case(
        "unknown-emotion",
        ("run", "--method", "static-frame", "--dataset", "demo", "--emotion", "angri"),
        EXIT_USAGE,
        "did you mean 'angry'",
    ),
    # `run` (a-runner): --from-folder declares its layout; a run with failed clips is a check that failed.
    Case("from-folder-without-layout", (*RUN, "--from-folder", "{empty}"), EXIT_USAGE, "--from-folder needs --layout"),
    Case("layout-without-folder", (*RUN, "--layout", "raw"), EXIT_USAGE, "--layout raw: only with --from-folder"),
    Case("zero-workers", (*RUN, "--workers", "0"), EXIT_USAGE, "--workers 0: must be at least 1"),
    Case(
        "run-with-failed-clips",
        (*RUN, "--from-folder", "{empty}", "--layout", "cropped"),
        EXIT_CHECK_FAILED,
        "failed M001",
    ),
    Case("unknown-weights", ("weights", "fetch", "synknet"), EXIT_USAGE, "did you mean 'syncnet'"),
    Case("unknown-profile", ("weights", "list", "--profile", "oficial"), EXIT_USAGE, "did you mean 'official'"),
    Case("unknown-preset", ("train", "tfr", "--preset", "huge"), EXIT_USAGE, "huge"),
    Case("zero-steps", ("train", "tfr", "--steps", "0"), EXIT_USAGE, "--steps 0: must be at least 1"),
    Case("zero-sentences", ("data", "demo", "--sentences", "0"), EXIT_USAGE, "--sentences 0: must be at least 1"),
    Case("unknown-export-format", ("results", "export", "--format", "xml"), EXIT_USAGE, "xml"),
    Case("figure-without-embeddings", ("figure", "5"), EXIT_USAGE, "--embeddings"),
    Case("generate-bad-suffix", (*GEN, *FACE, "-o", "{out}/x.avi"), EXIT_USAGE, ".avi"),
    # Bad input files.
    Case(
        "missing-image",
        (*GEN, "--image", "{nothing}.png", "--audio", "{speech}", "-o", "{out}/x.mkv"),
        EXIT_USAGE,
        "no such file",
    ),
    Case(
        "corrupt-image",
        (*GEN, "--image", "{corrupt_png}", "--audio", "{speech}", "-o", "{out}/x.mkv"),
        EXIT_USAGE,
        "not a readable image",
    ),
    Case("image-without-face", (*GEN, "--image", "{noise_png}", "--audio", "{speech}", "-o", "{out}/x.mkv"), 2, "face"),
    Case(
        "image-renamed-wav",
        (*GEN, "--image", "{face}", "--audio", "{png_as_wav}", "-o", "{out}/x.mkv"),
        EXIT_USAGE,
        "no audio stream",
    ),
    Case("silent-audio", (*GEN, "--image", "{face}", "--audio", "{silent}", "-o", "{out}/x.mkv"), 2, "silent"),
    Case("too-short-audio", (*GEN, "--image", "{face}", "--audio", "{short}", "-o", "{out}/x.mkv"), 2, "at least"),
    Case("8khz-audio-is-resampled", (*GEN, "--image", "{face}", "--audio", "{speech_8k}", "-o", "{out}/x.mkv"), 0),
    Case("missing-gen-video", (*COMPUTE, "--gen", "{nothing}.mkv", "--ref", "{video}"), EXIT_USAGE, "no such file"),
    Case(
        "corrupt-gen-video",
        (*COMPUTE, "--gen", "{corrupt_mp4}", "--ref", "{video}"),
        EXIT_USAGE,
        "not a readable media file",
    ),
    Case(
        "image-renamed-wav-as-gen",
        (*COMPUTE, "--gen", "{png_as_wav}", "--ref", "{video}"),
        EXIT_USAGE,
        "a still image",
    ),
    Case("empty-dataset-folder", ("data", "prepare", "--dataset", "mead", "--root", "{empty}"), 2, "no clips under"),
    Case(
        "corrupt-embeddings",
        ("figure", "5", "--embeddings", "{corrupt_npz}", "-o", "{out}/fig"),
        EXIT_USAGE,
        "not an .npz file",
    ),
    Case("corrupt-store", ("results", "list", "--store", "{corrupt_db}"), EXIT_USAGE, "not a database"),
    # Environment faults.
    Case("home-is-a-file", ("data", "demo"), EXIT_ENVIRONMENT, "EATBENCH_HOME=", env={"EATBENCH_HOME": "{a_file}"}),
    Case(
        "home-under-a-file",
        ("data", "prepare", "--dataset", "demo"),
        EXIT_ENVIRONMENT,
        "which is a file",
        env={"EATBENCH_HOME": "{a_file}/home"},
    ),
    Case(
        "weights-dir-is-a-file",
        ("weights", "list"),
        EXIT_ENVIRONMENT,
        "EATBENCH_WEIGHTS=",
        env={"EATBENCH_WEIGHTS": "{a_file}"},
    ),
    Case("output-under-a-file", (*GEN, *FACE, "-o", "{a_file}/x.mkv"), EXIT_ENVIRONMENT, "a-file"),
    Case("read-only-output-folder", (*GEN, *FACE, "-o", "{fault}/x.mkv"), EXIT_ENVIRONMENT, "Read-only", fault="ro"),
    Case("full-disk-output", (*GEN, *FACE, "-o", "{fault}/x.mkv"), EXIT_ENVIRONMENT, "No space left", fault="full"),
    Case(
        "read-only-home",
        ("data", "prepare", "--dataset", "mead", "--root", "{mead}"),
        EXIT_ENVIRONMENT,
        "Read-only",
        env={"EATBENCH_HOME": "{fault}"},
        fault="ro",
    ),
    Case(
        "corrupt-weights-verify",
        ("weights", "verify"),
        EXIT_CHECK_FAILED,
        env={"EATBENCH_WEIGHTS": "{bad_weights}"},
    ),
    Case(
        "corrupt-judge-weights",
        ("metrics", "compute", "--profile", "demo", "--metrics", "lse-d", "--gen", "{video}", "--ref", "{video}"),
        EXIT_CHECK_FAILED,
        "not a readable safetensors file",
        env={"EATBENCH_WEIGHTS": "{bad_weights}"},
    ),
    Case(
        "read-only-store-is-readable",
        ("results", "list", "--store", "{fault}/results.db"),
        0,
        fault="ro-store",
    ),
]


@pytest.fixture(scope="module")
def material(tmp_path_factory) -> dict[str, Path]:
    """Every file the cases name, made once."""
    import cv2
    import methods_kit

    from eatbench.io import Audio, write_audio, write_video

    d = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(0)
    face, speech = methods_kit.write_face_and_speech(d)
    m = {"face": face, "speech": speech}
    m["silent"] = d / "silent.wav"
    write_audio(m["silent"], Audio(np.zeros(16000, np.float32)))
    m["short"] = d / "short.wav"
    write_audio(m["short"], Audio(methods_kit.speech().samples[:1600]))  # 0.1 s
    m["speech_8k"] = d / "speech-8k.wav"
    write_audio(m["speech_8k"], Audio(methods_kit.speech().samples[::2].copy(), 8000))
    m["noise_png"] = d / "noise.png"
    cv2.imwrite(str(m["noise_png"]), rng.integers(0, 256, (256, 256, 3), dtype=np.uint8))
    m["corrupt_png"] = d / "corrupt.png"
    m["corrupt_png"].write_bytes(rng.bytes(5000))
    m["png_as_wav"] = d / "image.wav"
    m["png_as_wav"].write_bytes(face.read_bytes())
    m["corrupt_mp4"] = d / "corrupt.mp4"
    m["corrupt_mp4"].write_bytes(rng.bytes(20000))
    m["video"] = d / "real.mkv"
    audio = methods_kit.speech()
    write_video(m["video"], methods_kit.talking_frames(audio)[:, 32:288, 32:288], 25.0, audio)
    m["a_file"] = d / "a-file"
    m["a_file"].write_text("not a folder")
    m["empty"] = d / "empty"
    m["empty"].mkdir()
    m["corrupt_npz"] = d / "embeddings.npz"
    m["corrupt_npz"].write_bytes(rng.bytes(3000))
    m["corrupt_db"] = d / "results.db"
    m["corrupt_db"].write_bytes(b"this is not a results database" * 100)
    m["bad_weights"] = d / "weights"
    (m["bad_weights"] / "demo").mkdir(parents=True)
    (m["bad_weights"] / "demo" / "syncnet.safetensors").write_bytes(rng.bytes(4000))  # overrides the shipped judge
    (m["bad_weights"] / "alexnet-owt-7be5be79.pth").write_bytes(rng.bytes(4000))  # sha256 is not 7be5be79...
    m["mead"] = d / "MEAD"
    methods_kit.make_mead(m["mead"], actors=("M001",), emotions=("neutral",))
    m["nothing"] = d / "does-not-exist"
    return m


def _fault(kind: str, where: Path):
    """The fault a case runs under, mounted at ``where``: read-only, full, or a finished store made read-only."""
    if kind == "ro-store":
        return _read_only_store(where)
    return tmpfs(where, size="64k", readonly=kind == "ro")


@contextlib.contextmanager
def _read_only_store(where: Path):
    """A tmpfs holding a results store (closed cleanly), then remounted read-only."""
    from eatbench.store import ResultsStore

    with tmpfs(where, size="4m") as fs:
        ResultsStore(fs / "results.db").conn.close()
        subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
        yield fs


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=f"fixed on branch {case.fixed_on}")] if case.fixed_on else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.slow  # ~40 subprocesses, a dozen of which generate or score a short clip
@pytest.mark.parametrize("case", list(_params()))
def test_hostile_input(case: Case, material, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    names = {k: str(v) for k, v in material.items()} | {"out": str(out), "fault": str(tmp_path / "fault")}
    env = {**os.environ, "EATBENCH_HOME": str(tmp_path / "home")}
    env.update({k: v.format(**names) for k, v in case.env.items()})
    args = [a.format(**names) for a in case.args]

    def run() -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "eatbench", *args]
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)

    if case.fault:
        with _fault(case.fault, tmp_path / "fault"):
            proc = run()
            left = sorted(p.name for p in (tmp_path / "fault").iterdir())
    else:
        proc, left = run(), []

    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == case.code, f"exit {proc.returncode}, stderr: {proc.stderr[-1500:]}"
    if case.code in (EXIT_USAGE, EXIT_ENVIRONMENT):
        assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
        assert case.says in lines[0]
    else:  # success, or a check that failed: its report is on stdout, no error line
        assert not any(line.startswith("error: ") for line in lines), proc.stderr
        assert case.says in proc.stdout + proc.stderr
    if case.fault in ("ro", "full"):
        assert left == [], f"left in the output folder: {left}"  # nothing partial


def test_the_sweep_is_at_least_25_cases():
    assert len(CASES) >= 25
    assert len({c.id for c in CASES}) == len(CASES)
