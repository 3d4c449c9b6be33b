"""Running another method's official repository as a benchmark method.

An :class:`ExternalMethod` wraps a checkout of an upstream repository and the python of its own
environment (they pin old PyTorch versions, so they never run in ours). Each call

1. checks the configuration (repository, entry script, checkpoints, python) and fails with one
   line naming the path and the file expected;
2. takes the input resolved by the contract (:class:`~eatbench.methods.inputs.ResolvedInput`: the
   reference crop x_r, 16 kHz audio, crop box and source video, or a free image + audio pair);
3. makes an isolated working copy of the repository for this job (small files copied, files over
   :data:`LINK_OVER` bytes and the adapter's ``link_dirs`` symlinked, ``.git`` skipped), because
   several upstream scripts write into their own tree, rewrite their inputs or ignore output flags;
4. writes the inputs into ``eatbench_in/`` inside that copy (relative paths without dots, which
   dodges the ``path.split('.')[1]`` extension sniffing of IP-LAP and EmoGen);
5. runs ``python <launcher> <entry> <args>`` in the copy with a timeout, stdout and stderr in a
   log; the launcher seeds ``random``, ``numpy`` and ``torch`` with the job's seed before running
   the entry script as ``__main__`` (StyleHEAT draws its pose style from an unseeded ``random``);
6. finds the upstream output by its documented name, normalises it (:mod:`eatbench.methods.normalize`),
   muxes the clip's audio and writes the lossless benchmark video; the log is kept beside it.

Configuration, per method key (``makeittalk``, ``styleheat``, ``iplap``, ``eamm``, ``emogen``):
a ``[key]`` table in ``$EATBENCH_HOME/baselines.toml`` (or the file named by
``$EATBENCH_BASELINES_CONFIG``), overridden by environment variables ``EATBENCH_<KEY>_<FIELD>``::

    [makeittalk]
    repo = "/opt/MakeItTalk"                 # EATBENCH_MAKEITTALK_REPO
    python = "/opt/envs/makeittalk/bin/python"  # EATBENCH_MAKEITTALK_PYTHON
    timeout = 3600                           # EATBENCH_MAKEITTALK_TIMEOUT (seconds)
    keep_workdir = false                     # EATBENCH_MAKEITTALK_KEEP_WORKDIR
    extra_args = "--amp_lip_x 2."            # EATBENCH_MAKEITTALK_EXTRA_ARGS (appended, shlex-split)

plus each adapter's own keys (listed by ``eatbench methods list``).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import subprocess
import time
from abc import abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from baselines.config import COMMON_KEYS, ExternalConfig, config_file, env_name
from eatbench.errors import EatbenchError, MissingWeightsError
from eatbench.io import Audio, Video, write_audio
from eatbench.methods.base import Availability, Method
from eatbench.methods.contract import GenerationFailed, item_name, tail
from eatbench.methods.inputs import ResolvedInput
from eatbench.paths import eatbench_home

LINK_OVER = 1 << 20  # files larger than 1 MiB are symlinked into the working copy, not copied
# Runs in the upstream environment (Python >= 3.6): seed every RNG, then run the entry script.
LAUNCHER = """\
import os, random, runpy, sys
seed = int(os.environ["EATBENCH_SEED"])
random.seed(seed)
try:
    import numpy
    numpy.random.seed(seed % (2 ** 32))
except ImportError:
    pass
try:
    import torch
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
except ImportError:
    pass
entry = sys.argv[1]
sys.argv = sys.argv[1:]
sys.path[0] = os.getcwd()
runpy.run_path(entry, run_name="__main__")
"""


@dataclass
class Job:
    """One upstream call: its folders, the resolved input and what normalisation needs.

    ``crop_box`` and ``source_frames`` start as the clip's (or the free image's); an adapter that
    hands over the full reference frame instead (a "still" mode) sets them to that frame's with
    :meth:`use_reference_frame`, so its output is cut where the face was.
    """

    workdir: Path  # the isolated working copy of the repository (the upstream's CWD)
    log: Path
    seed: int
    emotion: str | None
    resolved: ResolvedInput
    crop_box: np.ndarray | None = None  # (4,) box of the benchmark crop in source pixels
    source_frames: np.ndarray | None = None  # (T, H, W, 3) the source at 25 fps (full frames)
    details: dict[str, Any] = field(default_factory=dict)  # recorded in the sidecar

    @classmethod
    def of(cls, resolved: ResolvedInput, emotion: str | None, seed: int, workdir: Path, log: Path) -> Job:
        return cls(workdir, log, seed, emotion, resolved, resolved.crop_box, resolved.source_frames())

    @property
    def inp(self) -> ResolvedInput:
        return self.resolved

    @property
    def audio(self) -> Audio:
        """The 16 kHz audio that drives generation and is muxed into the output."""
        return self.resolved.audio

    @property
    def reference(self) -> np.ndarray:
        """(256, 256, 3) uint8 RGB: the benchmark crop of the reference frame x_r."""
        return self.resolved.reference

    @property
    def n_frames(self) -> int:
        """Frames the audio implies."""
        return self.resolved.n_frames

    @property
    def indir(self) -> Path:
        return self.workdir / "eatbench_in"

    def use_reference_frame(self) -> np.ndarray:
        """Switch to the full reference frame (repeated) as the source; return that frame."""
        frame = self.full_reference()
        self.source_frames = np.broadcast_to(frame, (self.n_frames, *frame.shape))
        if self.resolved.identity_crop_box is not None:
            self.crop_box = self.resolved.identity_crop_box
        return frame

    def write_audio(self, name: str = "speech.wav") -> str:
        """Write the driving audio (16 kHz PCM16 WAV) into ``eatbench_in/``; return its relative path."""
        write_audio(self.indir / name, self.audio)
        return f"eatbench_in/{name}"

    def write_image(self, image: np.ndarray, name: str) -> str:
        """Write an RGB image into ``eatbench_in/`` (format from the suffix); return its relative path."""
        import cv2

        self.indir.mkdir(parents=True, exist_ok=True)
        params = [cv2.IMWRITE_JPEG_QUALITY, 95] if name.endswith(".jpg") else []
        if not cv2.imwrite(str(self.indir / name), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), params):
            raise EatbenchError(f"cannot write {self.indir / name}")
        return f"eatbench_in/{name}"

    def write_clip_video(self, frames: np.ndarray, name: str) -> str:
        """Write 25 fps frames as an H.264 mp4 (what upstream OpenCV readers expect) with the audio."""
        from eatbench.io import write_video

        h, w = frames.shape[1:3]
        frames = frames[:, : h - h % 2, : w - w % 2]  # H.264 needs even sizes
        write_video(self.indir / name, np.ascontiguousarray(frames), 25.0, self.audio, lossless=False)
        return f"eatbench_in/{name}"

    def full_reference(self) -> np.ndarray:
        """The full-resolution reference frame (the source frame the reference crop was cut from)."""
        return self.resolved.reference_source_frame()


class ExternalMethod(Method):
    """Base class of the adapters; subclasses fill in the class attributes and four hooks."""

    kind: ClassVar[str] = "external"
    key: ClassVar[str]  # config section and env-var infix
    upstream: ClassVar[str]  # "owner/repo@commit" the adapter was written against
    entry: ClassVar[str]  # entry script, relative to the repository
    required: ClassVar[tuple[str, ...]] = ()  # files or folders (ending in "/") relative to the repository
    link_dirs: ClassVar[tuple[str, ...]] = ()  # folders symlinked whole into the working copy
    options: ClassVar[dict[str, str]] = {}  # the adapter's own config keys -> what they mean
    emotion_source: ClassVar[str] = "none (no emotion control)"
    max_pad: ClassVar[int] = 0  # frames the upstream drops at the end (see fit_length)

    def __init__(self, config: ExternalConfig | None = None) -> None:
        self.config = config or ExternalConfig.load(self.key, tuple(self.options))

    # ----------------------------------------------------------------- hooks for the adapters
    @abstractmethod
    def prepare(self, job: Job) -> list[str]:
        """Write the inputs into the working copy and return the command-line arguments."""

    @abstractmethod
    def collect(self, job: Job) -> Path:
        """The upstream's output file inside the working copy."""

    @classmethod
    @abstractmethod
    def normalize_raw(cls, video: Video, job: Job) -> np.ndarray:
        """Frames at 25 fps, 256×256, the benchmark crop (before fitting the length)."""

    def map_emotion(self, emotion: str | None) -> str | None:
        """Our emotion in the upstream's vocabulary (None for methods without emotion control)."""
        return None

    upstream_layout: ClassVar[bool] = True

    @classmethod
    def normalize_upstream(cls, video: Video, inp: ResolvedInput) -> np.ndarray:
        """``--from-folder --layout upstream``: a video this method's repository wrote elsewhere, from
        the clip's own source video, normalised as if it had run here (length fitted)."""
        from eatbench.methods.normalize import fit_length

        job = Job.of(inp, None, 0, Path(), Path("ingest.log"))
        job.details.update(face="video", template="video")
        return fit_length(cls.normalize_raw(video, job), inp.n_frames, max_pad=cls.max_pad)

    # ----------------------------------------------------------------- configuration checks
    def config_keys(self) -> dict[str, str]:
        """Every config key this adapter reads, with its environment variable and meaning."""
        keys = {**COMMON_KEYS, **self.options}
        return {k: f"{env_name(self.key, k)}: {v}" for k, v in keys.items()}

    def required_paths(self) -> list[str]:
        """Files the repository must hold (relative), for messages and availability."""
        return [self.entry, *self.required]

    def availability(self) -> Availability:
        cfg = self.config
        if cfg.repo is None:
            return Availability(
                False,
                f"no repository configured: set {env_name(self.key, 'repo')} or `repo` under [{self.key}] in "
                f"{config_file()} to a checkout of {self.upstream.split('@')[0]}",
            )
        if not cfg.repo.is_dir():
            return Availability(False, f"{env_name(self.key, 'repo')}={cfg.repo}: no such folder")
        for rel in self.required_paths():
            path = cfg.repo / rel
            if not (path.is_dir() if rel.endswith("/") else path.is_file()):
                return Availability(False, f"{path}: missing ({self._hint(rel)})")
        for name, path in self.extra_required().items():
            if not path.exists():
                return Availability(False, f"{path}: missing ({name})")
        if not self._python_path():
            return Availability(False, f"{env_name(self.key, 'python')}={cfg.python}: no such executable")
        return Availability(True)

    def extra_required(self) -> dict[str, Path]:
        """Files named by the adapter's own keys that must exist (e.g. EmoGen's checkpoint)."""
        return {}

    def _hint(self, rel: str) -> str:
        if rel == self.entry:
            return f"the entry script of {self.upstream.split('@')[0]}; is {env_name(self.key, 'repo')} right?"
        return f"a checkpoint or data file of {self.upstream.split('@')[0]}; see its README for the download"

    def _python_path(self) -> str | None:
        python = self.config.python
        if os.sep in python:
            return python if os.access(python, os.X_OK) else None
        return shutil.which(python)

    def weights_hash(self) -> str:
        """A fingerprint of the checkpoints: relative path, size, and the first and last MiB of each file."""
        if self.config.repo is None:
            return ""
        h = hashlib.sha256(self.upstream.encode())
        paths = [self.config.repo / rel for rel in self.required if not rel.endswith("/")]
        paths += [p for p in self.extra_required().values() if p.is_file()]
        for path in paths:
            if not path.is_file():
                continue
            size = path.stat().st_size
            h.update(f"{path.name}:{size}".encode())
            with open(path, "rb") as f:
                h.update(f.read(LINK_OVER))
                f.seek(max(size - LINK_OVER, 0))
                h.update(f.read(LINK_OVER))
        return h.hexdigest()[:16]

    def run_details(self) -> dict[str, Any]:
        return {"upstream": self.upstream, "emotion_source": self.emotion_source, **getattr(self, "_details", {})}

    # ----------------------------------------------------------------- one job
    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        out_path = Path(out_path)
        label = item_name(inp)
        # 1. Configuration: one line naming the path and the file expected.
        state = self.availability()
        if not state.ok:
            raise MissingWeightsError(f"method {self.name!r}: {state.reason}")
        # 2-3. Inputs and an isolated working copy.
        root = eatbench_home() / "baselines" / "jobs" / self.key / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        root = Path(f"{root}-{hashlib.sha1(f'{label}:{seed}:{out_path}'.encode()).hexdigest()[:8]}")
        workdir = root / "repo"
        working_copy(self.config.repo, workdir, self.link_dirs)
        job = Job.of(inp, emotion, seed, workdir, out_path.with_suffix(".log"))
        try:
            # 4. Inputs written into the copy; the upstream command line.
            job.indir.mkdir(parents=True, exist_ok=True)
            args = [*self.prepare(job), *self.config.extra_args]
            # 5. Run, seeded, with a timeout and a log.
            self._run(job, args, label)
            # 6. Collect, normalise, mux the clip's audio.
            raw = self.collect(job)
            try:
                frames = self.normalize_raw(read_raw(raw), job)
            except EatbenchError as err:
                raise GenerationFailed(self.name, label, "contract", f"{raw.name}: {err}") from None
            from eatbench.methods.normalize import fit_length, write_normalized

            frames = fit_length(frames, job.n_frames, max_pad=self.max_pad)
            self._details = {**job.details, "log": str(job.log), "raw_frames": len(frames)}
            return write_normalized(out_path, frames, job.audio)
        finally:
            if not self.config.keep_workdir:
                shutil.rmtree(root, ignore_errors=True)

    def _run(self, job: Job, args: list[str], label: str) -> None:
        launcher = job.workdir.parent / "eatbench_launch.py"
        launcher.write_text(LAUNCHER)
        cmd = [str(self._python_path()), str(launcher), self.entry, *args]
        env = {**os.environ, "EATBENCH_SEED": str(job.seed), "PYTHONHASHSEED": str(job.seed), "PYTHONUNBUFFERED": "1"}
        job.log.parent.mkdir(parents=True, exist_ok=True)
        with open(job.log, "w") as log:
            log.write(f"$ cd {job.workdir}\n$ {shlex.join(cmd)}\n")
            log.flush()
            proc = subprocess.Popen(
                cmd, cwd=job.workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                rc = proc.wait(timeout=self.config.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the job's own process group (upstream ffmpeg children too)
                proc.wait()
                raise GenerationFailed(
                    self.name,
                    label,
                    "timeout",
                    f"killed after {self.config.timeout:g} s; log {job.log}",
                    _log_tail(job),
                ) from None
        if rc != 0:
            raise GenerationFailed(
                self.name, label, "crash", f"{self.entry} exited with status {rc}; log {job.log}", _log_tail(job)
            )

    def _missing_output(self, job: Job, expected: str) -> GenerationFailed:
        return GenerationFailed(
            self.name,
            item_name(job.inp),
            "crash",
            f"{self.entry} exited normally but wrote no {expected}; log {job.log}",
            _log_tail(job),
        )


def _log_tail(job: Job) -> str:
    try:
        return tail(job.log.read_text(errors="replace"))
    except OSError:
        return ""


def read_raw(path: Path) -> Video:
    from eatbench.methods.normalize import read_raw as _read

    return _read(path)


def working_copy(repo: Path, dest: Path, link_dirs: tuple[str, ...] = ()) -> Path:
    """An isolated copy of ``repo`` at ``dest``: folders real, small files copied, big files symlinked.

    ``.git`` is skipped; folders in ``link_dirs`` (relative) are symlinked whole (checkpoint folders
    the upstream only reads). Writes into the copy never reach the repository, except through a
    symlinked file opened for writing, which no supported upstream does to its checkpoints.
    """
    repo = repo.resolve()
    linked = {repo / d.rstrip("/") for d in link_dirs}
    for here, dirs, files in os.walk(repo):
        here_path = Path(here)
        target = dest / here_path.relative_to(repo)
        target.mkdir(parents=True, exist_ok=True)
        keep = []
        for d in dirs:
            src = here_path / d
            if d == ".git":
                continue
            if src in linked or src.is_symlink():
                (target / d).symlink_to(src.resolve() if src.is_symlink() else src, target_is_directory=True)
            else:
                keep.append(d)
        dirs[:] = keep
        for name in files:
            src = here_path / name
            if src.is_symlink() or src.stat().st_size > LINK_OVER:
                (target / name).symlink_to(src.resolve())
            else:
                shutil.copy2(src, target / name)
    return dest
