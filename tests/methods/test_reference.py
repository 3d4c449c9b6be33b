"""Reference methods through the contract wrapper: what they write, checked against the prepared clip."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from eatbench.errors import EatbenchError, InputError
from eatbench.io import frames_for_audio, read_audio, read_video, write_audio
from eatbench.methods.base import GenerationInput, Method
from eatbench.methods.contract import GenerationFailed, run_method
from eatbench.methods.reference import SHIFT_FRAMES, ShiftedAudio, delay_audio
from eatbench.methods.registry import get_method, list_methods


@pytest.fixture(scope="module")
def prepared(clip):
    from eatbench.preprocess.prepare import prepare_clip

    return prepare_clip(clip)


def test_ground_truth_is_the_prepared_crop_bit_exact(clip, prepared, tmp_path: Path) -> None:
    out = run_method(get_method("ground-truth"), GenerationInput(clip=clip), "angry", 0, tmp_path / "gt.mkv")
    video = read_video(out)
    assert np.array_equal(video.frames, prepared.frames)
    assert np.array_equal(read_audio(out).int16, prepared.audio.int16)
    sidecar = json.loads(out.with_suffix(".json").read_text())
    assert sidecar["method"] == "ground-truth" and sidecar["clip"]["actor"] == clip.actor


def test_static_frame_repeats_the_reference_for_the_audio_length(clip, prepared, tmp_path: Path) -> None:
    out = run_method(get_method("static-frame"), GenerationInput(clip=clip), None, 0, tmp_path / "s.mkv")
    frames = read_video(out).frames
    assert len(frames) == frames_for_audio(prepared.audio)
    assert (frames == prepared.reference[None]).all()  # no motion at all
    # the ground truth moves; the static frame does not
    assert np.abs(np.diff(prepared.frames.astype(int), axis=0)).mean() > 0
    assert np.abs(np.diff(frames.astype(int), axis=0)).max() == 0


def test_shifted_audio_delays_by_exactly_the_documented_offset(clip, prepared, tmp_path: Path) -> None:
    method = get_method("shifted-audio")
    assert method.shift_samples == SHIFT_FRAMES * 640 == 5120  # 320 ms, inside SyncNet's ±15-frame search
    out = run_method(method, GenerationInput(clip=clip), None, 0, tmp_path / "sh.mkv")
    original, shifted = prepared.audio.int16, read_audio(out).int16
    assert len(shifted) == len(original)
    assert not shifted[:5120].any()
    assert np.array_equal(shifted[5120:], original[:-5120])
    assert np.array_equal(read_video(out).frames, prepared.frames)
    assert json.loads(out.with_suffix(".json").read_text())["audio_delay_ms"] == 320.0


def test_delay_audio_longer_than_the_clip_is_silence() -> None:
    from eatbench.io import Audio

    audio = Audio.from_int16(np.arange(1, 101, dtype=np.int16))
    assert not delay_audio(audio, 500).int16.any()
    with pytest.raises(EatbenchError, match="shift_frames"):
        ShiftedAudio(0)


def test_image_and_audio_input(tmp_path: Path) -> None:
    import cv2
    import methods_kit

    image, audio = tmp_path / "face.png", tmp_path / "speech.wav"
    cv2.imwrite(str(image), cv2.cvtColor(methods_kit.face_image(), cv2.COLOR_RGB2BGR))
    write_audio(audio, methods_kit.speech(1.0))
    inp = GenerationInput(image=image, audio=audio)
    out = run_method(get_method("static-frame"), inp, None, 0, tmp_path / "x.mkv")
    assert read_video(out).frames.shape == (25, 256, 256, 3)
    for name in ("ground-truth", "shifted-audio"):
        with pytest.raises(InputError, match="needs a dataset clip"):
            run_method(get_method(name), inp, None, 0, tmp_path / f"{name}.mkv")


class _Broken(Method):
    """A test method whose output breaks the contract in a chosen way (not registered)."""

    name = "broken"
    version = "1"

    def __init__(self, mode: str) -> None:
        self.mode = mode

    def generate(self, inp, emotion, seed, out_path):
        from eatbench.io import write_video
        from eatbench.preprocess.prepare import prepare_clip

        p = prepare_clip(inp.clip)
        if self.mode == "crash":
            raise RuntimeError("boom in the generator")
        if self.mode == "short":
            write_video(out_path, p.frames[: len(p.frames) // 2], 25.0, p.audio)
        elif self.mode == "fps":
            write_video(out_path, p.frames, 30.0, p.audio)
        elif self.mode == "noface":
            write_video(out_path, np.full_like(p.frames, 128), 25.0, p.audio)
        return out_path


@pytest.mark.parametrize(
    ("mode", "kind", "match"),
    [
        ("crash", "crash", "RuntimeError: boom"),
        ("short", "contract", r"frames, the audio implies"),
        ("fps", "contract", "30 fps"),
        ("noface", "no-face", "no face detected"),
    ],
)
def test_contract_breaks_are_flagged_and_excluded(clip, tmp_path: Path, mode: str, kind: str, match: str) -> None:
    out = tmp_path / "o.mkv"
    with pytest.raises(GenerationFailed, match=match) as info:
        run_method(_Broken(mode), GenerationInput(clip=clip), None, 0, out)
    assert info.value.kind == kind and info.value.item == clip.clip_id
    assert not out.exists()  # never left where it would be scored
    if kind != "crash":
        assert (tmp_path / "o.rejected.mkv").exists()
    else:
        assert "boom in the generator" in info.value.log_tail


def test_registry_names_and_errors() -> None:
    names = {i.name for i in list_methods()}
    assert {"ground-truth", "static-frame", "shifted-audio"} <= names
    assert {"makeittalk", "styleheat", "iplap", "eamm", "emogen"} <= names
    refs = {i.name: i for i in list_methods() if i.kind == "reference"}
    assert all(i.available for i in refs.values())
    with pytest.raises(EatbenchError, match="did you mean 'static-frame'"):
        get_method("static-frme")
    with pytest.raises(EatbenchError, match="takes no option 'weights'"):
        get_method("static-frame", weights="/x")
    assert get_method("shifted-audio", shift_frames=3).shift_samples == 1920
