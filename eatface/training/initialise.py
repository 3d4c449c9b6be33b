"""``--init-from``: start a variant's run folder from another finished run's shared stages.

Training each ablation variant of Table IV from scratch repeats the VAE and TFR stages, which are
the same network trained on the same data. A new run folder is instead initialised from a finished
run of the same preset (the ``source``), and only the stages the variant does not share are trained:

- always: the VAE (with its latent scaling factor) and the frozen towers (wav2vec 2.0, and CLIP when
  both runs have it) are copied, and the ``vae`` stage is marked done; the frame interpolator, when
  the source trained one, is copied too and its stage marked done (it sees only ground-truth frames,
  so it is the same for every variant);
- the TFR (UNet + F_a) is the source's *TFR-stage* result, never its finetuned UNet: it is read from
  ``<source>/stages/tfr/`` (written by the tfr stage), else from the run folder itself when no
  finetune stage ran there, else from the tfr stage's final checkpoint
  (``checkpoints/tfr/checkpoint-<steps>/model.safetensors``, for runs made before the snapshot existed);
- when both variants feed the UNet the same cross-attention tokens (``full``, ``w/o-EVE``,
  ``w/o-Emo``), the TFR is copied and the ``tfr`` stage marked done: ``w/o-Emo`` then trains nothing,
  ``w/o-EVE`` trains its ControlNet and fine-tune stages only;
- ``w/o-FEC`` adds the emotion token to F_a: the UNet and F_a start from the source's TFR, the token's
  projection from its seeded initialisation, and the tfr stage trains all of them again for
  :data:`FEC_STEPS_FRACTION` of the preset's TFR steps (4000 of 12000 for ``tiny``; our choice: the
  token is one linear layer and the UNet only has to learn to read it). A ``w/o-FEC`` run cannot be a
  source for the others (its F_a and UNet were trained with the token).

What came from where is recorded in ``training_state.json`` under ``init_from``.

Example:
    >>> initialise_from(get_preset("tiny", ablation="w/o-EVE"), "runs/wo-eve", "runs/full")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from eatface.configuration import EATFaceConfig
from eatface.errors import EATFaceError
from eatface.training.workspace import STATE_FILE, TFR_SNAPSHOT, read_state, save_tfr_snapshot
from eatface.variants import get_ablation

FEC_STEPS_FRACTION = 1 / 3
WEIGHTS_FILE = "diffusion_pytorch_model.safetensors"


def _tfr_weights(source: Path, state: dict[str, Any]) -> tuple[dict, dict, str]:
    """The source's TFR-stage UNet and F_a state dicts, and where they were read from."""
    from safetensors.torch import load_file

    # 1. The snapshot the tfr stage writes.
    snap = source / TFR_SNAPSHOT
    if (snap / "unet" / WEIGHTS_FILE).is_file() and (snap / "audio_projector" / WEIGHTS_FILE).is_file():
        return load_file(snap / "unet" / WEIGHTS_FILE), load_file(snap / "audio_projector" / WEIGHTS_FILE), str(snap)
    # 2. The run folder, when no stage after tfr changed the UNet (the controlnet stage keeps it frozen).
    if "finetune" not in state["stages"]:
        return (
            load_file(source / "unet" / WEIGHTS_FILE),
            load_file(source / "audio_projector" / WEIGHTS_FILE),
            str(source),
        )
    # 3. The tfr stage's final checkpoint (the objective's state: unet.*, audio_projector.*).
    steps = state["stages"]["tfr"].get("steps")
    ckpt = source / "checkpoints" / "tfr" / f"checkpoint-{steps}"
    if (ckpt / "done").is_file() and (ckpt / "model.safetensors").is_file():
        weights = {k.removeprefix("module."): v for k, v in load_file(ckpt / "model.safetensors").items()}
        unet = {k[len("unet.") :]: v for k, v in weights.items() if k.startswith("unet.")}
        f_a = {k[len("audio_projector.") :]: v for k, v in weights.items() if k.startswith("audio_projector.")}
        if unet and f_a:
            return unet, f_a, str(ckpt)
    raise EATFaceError(
        f"--init-from {source}: its UNet was overwritten by the finetune stage and neither {snap} nor the tfr "
        f"stage's final checkpoint {ckpt} exists; train the source's tfr stage again or pick another run"
    )


def initialise_from(config: EATFaceConfig, out_dir: str | Path, source: str | Path) -> dict[str, Any]:
    """Write a new run folder for ``config`` in ``out_dir`` from the finished run ``source``.

    Args:
        config: the preset and variant to train.
        out_dir: the new run folder; a folder already initialised from the same source is left as it is.
        source: a run folder of the same preset whose tfr stage finished (any variant but ``w/o-FEC``).

    Returns:
        The ``init_from`` record written to ``training_state.json``.

    Raises:
        EATFaceError: the source is missing, unfinished, of another preset or a ``w/o-FEC`` run, or
            ``out_dir`` already holds another run.
    """
    from eatface.build import build_pipeline
    from eatface.pipeline_eatface import EATFacePipeline

    # 1. Check both folders.
    source, out_dir = Path(source).expanduser().resolve(), Path(out_dir).expanduser()
    if not (source / "model_index.json").is_file():
        raise EATFaceError(f"--init-from {source}: not a run folder (no model_index.json); pass a finished run")
    if out_dir.resolve() == source:
        raise EATFaceError(f"--init-from {source}: is the --out folder itself; pass another run")
    state = read_state(source)
    if state.get("preset") != config.name:
        raise EATFaceError(f"--init-from {source}: a run of preset {state.get('preset')}, not {config.name}")
    if "tfr" not in state["stages"]:
        raise EATFaceError(f"--init-from {source}: its tfr stage has not finished; train it first")
    if (out_dir / "model_index.json").is_file():
        record = read_state(out_dir).get("init_from", {})
        if record.get("run") == str(source):
            return record  # the same initialisation, e.g. a resumed `train all`
        raise EATFaceError(
            f"--out {out_dir}: already holds a run; --init-from starts a new folder (pick another --out or drop it)"
        )
    src_ablation, ablation = get_ablation(state["ablation"]), get_ablation(config.ablation)
    if src_ablation.text_token:
        raise EATFaceError(f"--init-from {source}: a {src_ablation.name} run (its TFR reads an emotion token)")

    # 2. The shared frozen parts, copied from the source.
    src = EATFacePipeline.from_pretrained(source)
    pipe = build_pipeline(config)
    pipe.register_modules(vae=src.vae, audio_encoder=src.audio_encoder)
    copied = {"vae": str(source / "vae"), "audio_encoder": str(source / "audio_encoder")}
    if pipe.clip is not None and src.clip is not None:
        pipe.register_modules(clip=src.clip, tokenizer=src.tokenizer)
        copied.update(clip=str(source / "clip"), tokenizer=str(source / "tokenizer"))
    if src.interpolator is not None and "interpolator" in state["stages"]:
        pipe.register_modules(interpolator=src.interpolator)
        copied.update(interpolator=str(source / "interpolator"))

    # 3. The TFR-stage UNet and F_a (w/o-FEC: all but its new emotion token).
    unet, f_a, where = _tfr_weights(source, state)
    try:
        pipe.unet.load_state_dict(unet)
        keys = pipe.audio_projector.load_state_dict(f_a, strict=False)
    except RuntimeError as err:
        raise EATFaceError(f"--init-from {source}: its TFR does not fit preset {config.name} ({err})") from None
    new = [k for k in keys.missing_keys if not (ablation.text_token and k.startswith("emotion_proj."))]
    if new or keys.unexpected_keys:
        raise EATFaceError(f"--init-from {source}: F_a differs (missing {new}, unexpected {keys.unexpected_keys})")
    copied.update(unet=where, audio_projector=where)

    # 4. Save the folder, then record the stages it already has.
    out_dir.mkdir(parents=True, exist_ok=True)
    pipe.save_pretrained(out_dir)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    done = {"steps": 0, "resumed_from": 0, "last_loss": None, "first_loss": None, "finished": now}
    stages = {"vae": dict(done, copied_from=copied["vae"])} if isinstance(config.vae, dict) else {}
    if "interpolator" in copied:
        stages["interpolator"] = dict(done, copied_from=copied["interpolator"])
    steps: dict[str, int] = {}
    if ablation.text_token:
        steps["tfr"] = max(1, round(config.stages["tfr"].steps * FEC_STEPS_FRACTION))
    else:
        stages["tfr"] = dict(done, copied_from=where)
        save_tfr_snapshot(pipe, out_dir)  # so this run can be a source in turn
    record = {
        "run": str(source),
        "ablation": src_ablation.name,
        "components": copied,
        "copied_stages": sorted(stages),
        "initialised": {"unet": where, "audio_projector": where} if ablation.text_token else {},
        "steps": steps,
    }
    new_state = {"preset": config.name, "ablation": config.ablation, "stages": stages, "init_from": record}
    (out_dir / STATE_FILE).write_text(json.dumps(new_state, indent=2))
    return record


def is_copied(out_dir: str | Path, stage: str) -> bool:
    """Whether ``stage`` of the run in ``out_dir`` was copied by :func:`initialise_from` (nothing to train)."""
    return "copied_from" in read_state(out_dir)["stages"].get(stage, {})


__all__ = ["FEC_STEPS_FRACTION", "initialise_from", "is_copied"]
