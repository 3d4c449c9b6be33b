"""Bad input for the adapters (missing repo or checkpoint, crash, timeout, contract breaks) and --from-folder."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fake_upstreams import make_repo

from eatbench.errors import EatbenchError, InputError, MissingWeightsError
from eatbench.io import read_video, resample_fps, write_video
from eatbench.methods.base import GenerationInput
from eatbench.methods.contract import GenerationFailed, run_method
from eatbench.methods.registry import get_method, resolve_method


@pytest.fixture
def makeittalk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    repo = make_repo("makeittalk", tmp_path / "upstream")
    monkeypatch.setenv("EATBENCH_MAKEITTALK_REPO", str(repo))
    monkeypatch.setenv("EATBENCH_MAKEITTALK_PYTHON", sys.executable)
    return repo


def test_unconfigured_and_missing_checkpoint(monkeypatch, makeittalk: Path, clip, tmp_path: Path) -> None:
    (makeittalk / "examples/ckpt/ckpt_autovc.pth").unlink()
    with pytest.raises(MissingWeightsError, match=r"examples/ckpt/ckpt_autovc\.pth: missing"):
        run_method(get_method("makeittalk"), GenerationInput(clip=clip), None, 0, tmp_path / "o.mkv")
    monkeypatch.delenv("EATBENCH_MAKEITTALK_REPO")
    state = get_method("makeittalk").availability()
    assert not state.ok and "EATBENCH_MAKEITTALK_REPO" in state.reason
    monkeypatch.setenv("EATBENCH_MAKEITTALK_REPO", str(tmp_path / "nowhere"))
    assert "no such folder" in get_method("makeittalk").availability().reason


def test_config_file_and_unknown_key(monkeypatch, makeittalk: Path, home: Path) -> None:
    monkeypatch.delenv("EATBENCH_MAKEITTALK_REPO")
    cfg = home / "b.toml"
    monkeypatch.setenv("EATBENCH_BASELINES_CONFIG", str(cfg))
    cfg.write_text(f'[makeittalk]\nrepo = "{makeittalk}"\ntimeout = 5\n')
    method = get_method("makeittalk")
    assert method.availability().ok and method.config.timeout == 5
    cfg.write_text('[makeittalk]\nrepoo = "/x"\n')
    with pytest.raises(EatbenchError, match="did you mean 'repo'"):
        get_method("makeittalk")


@pytest.mark.parametrize(
    ("mode", "kind", "match"),
    [
        ("crash", "crash", "exited with status 255"),
        ("sleep", "timeout", "killed after 8 s"),
        ("short", "contract", "the audio implies"),
        ("blank", "no-face", "no face detected"),
    ],
)
def test_upstream_faults_are_recorded_per_clip(
    monkeypatch, makeittalk: Path, clip, tmp_path: Path, mode: str, kind: str, match: str
) -> None:
    monkeypatch.setenv("FAKE_MODE", mode)
    if mode == "sleep":
        monkeypatch.setenv("EATBENCH_MAKEITTALK_TIMEOUT", "8")
    out = tmp_path / "o.mkv"
    with pytest.raises(GenerationFailed, match=match) as info:
        run_method(get_method("makeittalk"), GenerationInput(clip=clip), None, 0, out)
    assert info.value.kind == kind and not out.exists()
    if mode == "crash":
        assert "Cannot detect face landmarks" in info.value.log_tail
    assert out.with_suffix(".log").is_file()  # the log is kept


def test_working_copies_are_removed_unless_kept(monkeypatch, makeittalk: Path, clip, home: Path, tmp_path) -> None:
    jobs = home / "baselines" / "jobs" / "makeittalk"
    monkeypatch.setenv("EATBENCH_MAKEITTALK_KEEP_WORKDIR", "true")
    run_method(get_method("makeittalk"), GenerationInput(clip=clip), None, 0, tmp_path / "k.mkv", check_face=False)
    kept = list(jobs.glob("*/repo/examples/dump/random_val_fl.pickle"))
    assert kept and (kept[0].parent.parent / "ckpt").is_symlink()  # checkpoint folder linked, not copied


def test_ingest_by_naming_rule(mead, clip, tmp_path: Path) -> None:
    from eatbench.preprocess.prepare import prepare_clip

    prepared = prepare_clip(clip)
    folder = tmp_path / "videos"
    # a method never run here, benchmark crops at 30 fps, in EAT's naming ({actor}_{emo3}_{level}_{NNN})
    frames = prepared.frames
    idx = resample_fps(np.arange(len(frames)), 25, 30)  # as `ffmpeg -vf fps=30` makes it
    write_video(folder / f"{clip.actor}_ang_{clip.level}_{clip.sentence}.mp4", frames[idx], 30.0, lossless=False)
    method = resolve_method("dreamtalk", from_folder=folder, layout="cropped")
    out = run_method(method, GenerationInput(clip=clip), "angry", 0, tmp_path / "o.mkv")
    got = read_video(out).frames
    assert got.shape == prepared.frames.shape

    def diff(i: int, j: int) -> float:
        return float(np.abs(got[i].astype(float) - frames[j]).mean())

    # the 30 -> 25 fps resampling is undone exactly: every frame is closest to its own source frame, not to a
    # neighbour (with the earlier floor rule most frames were their predecessor), and what is left is H.264's
    # error at crf 18 (1.7-1.9 grey levels per frame here; a frame late gives 4-11)
    assert all(diff(i, i) <= min(diff(i, i - 1), diff(i, i + 1)) for i in range(1, len(got) - 1))
    assert np.mean([diff(i, i) for i in range(len(got))]) < 3.0
    other = next(c for c in mead[1] if c != clip)
    with pytest.raises(InputError, match="no file for clip"):
        run_method(method, GenerationInput(clip=other), None, 0, tmp_path / "p.mkv")


def test_ingest_of_a_known_method_uses_its_normalisation(clip, tmp_path: Path) -> None:
    from eatbench.preprocess.prepare import prepare_clip

    prepared = prepare_clip(clip)
    # the 62.5 fps video as `ffmpeg -vf fps=62.5` makes it from the crops: the 25 fps rule picks them back
    idx = resample_fps(np.arange(len(prepared.frames)), 25, 62.5)
    trip = np.concatenate([prepared.frames[idx] * 0, prepared.frames[idx], prepared.frames[idx] * 0], axis=2)
    folder = tmp_path / "mit"
    write_video(folder / f"{clip.clip_id}.mkv", trip, 62.5)
    out = run_method(
        resolve_method("makeittalk", from_folder=folder, layout="upstream"),
        GenerationInput(clip=clip),
        None,
        0,
        tmp_path / "o.mkv",
    )
    assert np.array_equal(read_video(out).frames, prepared.frames)  # lossless in, bit-exact out
