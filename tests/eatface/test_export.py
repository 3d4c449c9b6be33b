"""Exporting a run folder for shipping: training leftovers dropped, fp16 on disk, fp32 when loaded."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import build_ready
from safetensors import safe_open

from eatface import EATFaceError, EATFacePipeline
from eatface.export import export_pipeline, main


def test_export_drops_training_files_and_halves_storage(tmp_path, face_inputs):
    run = tmp_path / "run"
    pipe = build_ready("full")
    pipe.save_pretrained(run)
    (run / "checkpoints" / "tfr" / "checkpoint-1").mkdir(parents=True)
    (run / "stages" / "tfr").mkdir(parents=True)
    (run / "corpus.safetensors").write_bytes(b"frames")
    state = {
        "stages": {"tfr": {"steps": 1}, "vae": {"copied_from": str(tmp_path / "base" / "vae")}},
        "init_from": {"run": str(tmp_path / "base"), "components": {"unet": "/elsewhere/cache/tiny/unet"}},
    }
    (run / "training_state.json").write_text(json.dumps(state))
    unet_config = run / "unet" / "config.json"  # as a config loaded from the training run says it
    unet_config.write_text(json.dumps({**json.loads(unet_config.read_text()), "_name_or_path": str(run / "unet")}))

    out = export_pipeline(run, tmp_path / "ship")
    names = {p.name for p in out.iterdir()}
    assert not names & {"checkpoints", "stages", "corpus.safetensors"} and "training_state.json" in names
    assert not any(
        "_name_or_path" in json.loads(f.read_text()) for f in [out / "model_index.json", *out.glob("*/config.json")]
    )
    # no path of the training machine ships: the sibling run by name, anything else by its last two parts
    assert json.loads((out / "training_state.json").read_text()) == {
        "stages": {"tfr": {"steps": 1}, "vae": {"copied_from": "base/vae"}},
        "init_from": {"run": "base", "components": {"unet": "tiny/unet"}},
    }
    size = lambda d: sum(p.stat().st_size for p in d.rglob("*.safetensors"))  # noqa: E731
    assert size(out) < 0.55 * size(run)
    with safe_open(str(next(out.glob("unet/*.safetensors"))), "pt") as f:
        assert {f.get_tensor(k).dtype for k in f.keys()} == {torch.float16}

    # Loaded back as float32 modules; the frames move only by the fp16 rounding of the weights.
    loaded = EATFacePipeline.from_pretrained(out)
    assert next(loaded.unet.parameters()).dtype == torch.float32
    loaded.set_progress_bar_config(disable=True)
    image, audio = face_inputs
    kw = dict(num_inference_steps=3, generator=None)
    a = pipe(image, audio, "happy", **{**kw, "generator": torch.Generator().manual_seed(0)}).frames
    b = loaded(image, audio, "happy", **{**kw, "generator": torch.Generator().manual_seed(0)}).frames
    assert a.shape == b.shape and np.abs(a.astype(int) - b.astype(int)).mean() < 2.0


def test_export_refuses_bad_folders(tmp_path, capsys):
    with pytest.raises(EATFaceError, match="not a pipeline folder"):
        export_pipeline(tmp_path, tmp_path / "x")
    assert main([str(tmp_path), str(tmp_path / "x")]) == 2
    assert "not a pipeline folder" in capsys.readouterr().err
