"""The lips figure: a method's mouth opening against the loudness of real recorded human speech."""

from __future__ import annotations

import numpy as np
import pytest

from eatbench.report.lips import draw_lips, lip_trace, real_speech


def test_real_speech_is_the_recorded_sample_and_the_span_is_checked():
    from eatbench.errors import EatbenchError

    audio = real_speech((6.0, 8.0))
    assert audio.dtype == np.int16 and len(audio) == 32000
    assert np.abs(audio[: int(0.6 * 16000)]).max() < np.abs(audio[int(0.8 * 16000) :]).max() / 4  # quiet, then speech
    with pytest.raises(EatbenchError, match=r"sample\.wav holds 30\.0 s"):
        real_speech((25.0, 31.0))


def test_lip_trace_finds_a_mouth_driven_by_the_speech_and_none_in_a_still_face():
    """Known truth: the real-face clips of tests/metrics/real_talking.py open the mouth with the loudness."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "real_talking", Path(__file__).parents[1] / "metrics" / "real_talking.py"
    )
    rt = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rt)
    audio = rt.speech()  # 1.7 s of silence, then "Hello? Hello? Oh, hello."
    frames = rt.talking_frames("grace-hopper", audio)
    moving = lip_trace(frames, audio)
    assert moving["r"] > 0.6
    assert moving["mouth"].shape == moving["loudness"].shape == moving["speech"].shape == (len(frames),)
    assert moving["speech"].any() and not moving["speech"].all()
    still = lip_trace(np.repeat(frames[:1], len(frames), axis=0), audio)
    assert not np.isfinite(still["r"]) or abs(still["r"]) < 0.1


def _lips_npz(path):
    t = 50
    rng = np.random.default_rng(0)
    np.savez(
        path,
        faces=np.array(["M003", "W009"]),
        mouth=rng.random((2, t)),
        loudness=rng.random(t) * -40,
        speech=np.arange(t) > 10,
        r=np.array([0.42, 0.31]),
        span=np.array([6.0, 8.0]),
        method=np.array("eatface"),
    )
    return path


def test_drawn_from_the_file_with_the_numbers_it_holds(tmp_path):
    drawn = draw_lips(_lips_npz(tmp_path / "lips.npz"), tmp_path / "out" / "lips")
    assert drawn.summary == (
        "mouth opening vs loudness of real recorded speech: r = 0.36 mean over 2 faces (smallest 0.31)"
    )
    assert drawn.numbers == {"r": {"M003": 0.42, "W009": 0.31}}
    assert [p.name for p in drawn.paths] == ["lips.png", "lips.pdf"] and all(
        p.stat().st_size > 10_000 for p in drawn.paths
    )


def test_the_cli_draws_from_a_file_and_refuses_a_wrong_one_in_one_line(tmp_path):
    import subprocess
    import sys

    npz = _lips_npz(tmp_path / "lips.npz")
    cmd = [sys.executable, "-m", "eatbench", "figure", "lips", "--out", str(tmp_path / "figs")]
    ok = subprocess.run([*cmd, "--embeddings", str(npz)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "r = 0.36 mean over 2 faces" in ok.stdout and (tmp_path / "figs" / "lips.png").is_file()
    np.savez(tmp_path / "other.npz", embeddings=np.zeros(3))
    bad = subprocess.run([*cmd, "--embeddings", str(tmp_path / "other.npz")], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("error: ") and "faces" in bad.stderr


@pytest.mark.slow
def test_the_shipped_model_opens_its_mouth_with_real_recorded_speech(tmp_path):
    """Issue 14's bar: on a human voice no demo clip uses, mouth opening follows loudness with r >= 0.3."""
    from eatbench.datasets.demo import generate_corpus

    root = generate_corpus(tmp_path / "MEAD", seed=0, actors=["W009"], emotions=["neutral"], sentences=4)
    from eatbench.report.lips import measure_lips

    data = np.load(measure_lips(tmp_path / "lips.npz", faces=1, span=(6.0, 10.0), root=root))
    assert list(data["faces"]) == ["W009"] and data["mouth"].shape == (1, 100)
    assert data["r"][0] >= 0.3, data["r"]
    speech = data["speech"]  # 0.7 s of silence before the first turn, a pause at 7.1-7.5 s
    assert (~speech).sum() >= 15 and data["mouth"][0][speech].mean() > 1.5 * data["mouth"][0][~speech].mean()
