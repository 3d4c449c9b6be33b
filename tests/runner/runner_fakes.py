"""Small real components for runner and store tests: a method, two metrics, a clip corpus.

They subclass the real base classes (:class:`Method`, :class:`Metric`), so the runner sees exactly
what it sees with the real ones. Run as a script, this module performs one run (used by the
SIGKILL, concurrency and sharding tests):

    python tests/runner/runner_fakes.py --corpus DIR --store DB --videos DIR [--metrics a,b]

``FAKE_KILL=generate:N`` or ``FAKE_KILL=metric:N`` makes the process SIGKILL itself in the middle of
its N-th generation (after half the file is written) or its N-th metric call.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eatbench.clip import Clip  # noqa: E402
from eatbench.io import Audio, read_audio, read_video, write_video  # noqa: E402
from eatbench.methods.base import GenerationInput, Method  # noqa: E402
from eatbench.metrics.base import Metric, Sample  # noqa: E402

N_FRAMES = 6
SIZE = 256
_CALLS = {"generate": 0, "metric": 0}


def _maybe_kill(stage: str) -> None:
    _CALLS[stage] += 1
    spec = os.environ.get("FAKE_KILL", "")
    if spec and spec.split(":")[0] == stage and int(spec.split(":")[1]) == _CALLS[stage]:
        os.kill(os.getpid(), signal.SIGKILL)


def make_corpus(root: Path, n: int = 6, emotions: tuple[str, ...] = ("angry", "happy", "sad")) -> list[Clip]:
    """Write ``n`` tiny clips (6 frames of 256² noise + 0.24 s of a tone) and return their records."""
    rng = np.random.default_rng(0)
    clips = []
    for i in range(n):
        emotion = emotions[i % len(emotions)]
        path = root / f"clip{i:02d}.mkv"
        frames = rng.integers(0, 256, (N_FRAMES, SIZE, SIZE, 3), dtype=np.uint8)
        t = np.arange(int(N_FRAMES / 25 * 16000)) / 16000
        audio = Audio((0.3 * np.sin(2 * np.pi * (200 + 20 * i) * t)).astype(np.float32))
        write_video(path, frames, 25, audio)
        clips.append(Clip(f"A{i:02d}", emotion, 2, f"{i:03d}", "front", "test", path, None, "fake"))
    manifest = [c.to_dict() for c in clips]
    (root / "clips.json").write_text(json.dumps(manifest))
    return clips


def load_corpus(root: Path) -> list[Clip]:
    return [Clip.from_dict(d) for d in json.loads((root / "clips.json").read_text())]


def prepare(clip: Clip) -> SimpleNamespace:
    """The prepared-clip fields the runner uses, read straight from the clip's file."""
    video = read_video(clip.video)
    return SimpleNamespace(frames=video.frames, audio=read_audio(clip.video), reference=video.frames[0])


class NoisyCopy(Method):
    """Ground truth plus seeded noise whose size depends on the emotion; crashes on chosen clips."""

    name: ClassVar[str] = "noisy-copy"
    version: ClassVar[str] = "1"
    emotions: ClassVar[tuple[str, ...]] = ("angry", "happy", "sad")

    def __init__(self, crash_on: tuple[str, ...] = ()) -> None:
        self.crash_on = crash_on
        self.calls = 0

    def generate(self, inp: GenerationInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        assert inp.clip is not None
        self.calls += 1
        if inp.clip.clip_id in self.crash_on:
            raise RuntimeError(f"upstream crashed on {inp.clip.clip_id}")
        gt = read_video(inp.clip.video).frames.astype(np.int16)
        rng = np.random.default_rng([seed, int(inp.clip.actor[1:])])
        amp = 4 + 4 * self.emotions.index(emotion or "angry")
        gen = np.clip(gt + rng.integers(-amp, amp + 1, gt.shape), 0, 255).astype(np.uint8)
        if os.environ.get("FAKE_KILL", "").startswith("generate"):
            Path(out_path).write_bytes(b"half a file")
        _maybe_kill("generate")
        write_video(out_path, gen, 25, read_audio(inp.clip.video))
        return out_path


class MeanAbsError(Metric):
    """Mean absolute pixel error against the ground truth: state = (sum, count)."""

    name: ClassVar[str] = "fake-mae"
    display: ClassVar[str] = "MAE"
    higher_is_better: ClassVar[bool] = False
    needs: ClassVar[tuple] = ("gt",)
    protocol: ClassVar[str] = "fake-mae/v1"

    calls = 0

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        type(self).calls += 1
        _maybe_kill("metric")
        n = min(len(sample.gen), len(sample.gt))
        diff = np.abs(sample.gen[:n].astype(np.float64) - sample.gt[:n].astype(np.float64))
        return {"sum": float(diff.sum()), "count": int(diff.size)}

    def value(self, state: dict[str, Any]) -> float:
        return state["sum"] / state["count"]


class PooledStd(Metric):
    """A pooled metric (like FID): the standard deviation of all generated pixels of the series."""

    name: ClassVar[str] = "fake-std"
    display: ClassVar[str] = "STD"
    higher_is_better: ClassVar[bool] = True
    needs: ClassVar[tuple] = ()
    protocol: ClassVar[str] = "fake-std/v1"
    pooled: ClassVar[bool] = True

    calls = 0

    def clip_state(self, sample: Sample) -> dict[str, Any]:
        type(self).calls += 1
        x = sample.gen.astype(np.float64)
        return {"n": int(x.size), "s1": float(x.sum()), "s2": float((x**2).sum())}

    def value(self, state: dict[str, Any]) -> float:
        mean = state["s1"] / state["n"]
        return float(np.sqrt(state["s2"] / state["n"] - mean**2))


FAKE_METRICS = {"fake-mae": MeanAbsError, "fake-std": PooledStd}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--videos", type=Path, required=True)
    ap.add_argument("--metrics", default="fake-mae,fake-std")
    ap.add_argument("--crash-on", default="")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from eatbench.run import RunConfig, Runner

    cfg = RunConfig(
        method="noisy-copy",
        dataset="fake",
        store=args.store,
        videos_dir=args.videos,
        profile="demo",
        seed=args.seed,
    )
    metrics = [FAKE_METRICS[m](profile="demo") for m in args.metrics.split(",")]
    runner = Runner(
        cfg,
        method=NoisyCopy(crash_on=tuple(filter(None, args.crash_on.split(",")))),
        clips=load_corpus(args.corpus),
        metrics=metrics,
        prepare=prepare,
    )
    summary = runner.run()
    if args.out:
        payload = asdict(summary)
        args.out.write_text(json.dumps(payload))


if __name__ == "__main__":
    main()
