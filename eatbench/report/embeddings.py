"""The embeddings behind Figs. 5 and 7 of the paper, from a trained EAT-Face on a dataset's test clips.

Fig. 5, "The t-SNE visualization of emotion-control condition embeddings" (Sec. IV-C): the
condition EAT-Face feeds its Emotion ControlNet is h^e = α A_e(E_CT(e)) + (1 − α) A_v(E_CI(x_r))
(Eq. 7; c_e is h^e reshaped and repeated, Sec. III-D-2). A condition exists for every pair of an
identity reference x_r and a target emotion e, and the paper's claim ("the clear distinction between
different emotion clusters demonstrates the effectiveness of our emotion control") is that the
*emotion*, not the identity, organises them. So by default every selected test clip's reference
frame (the x_r its generation uses) is paired with every emotion of the test split, and each h^e is
labelled with the emotion it asks for (``conditions="all-emotions"``); ``conditions="own-emotion"``
keeps only the clip's own emotion, i.e. the conditions of the reconstruction protocol of Table I.

Fig. 7, "the cosine similarities between visual image embeddings and emotion-text embeddings before
and after joint EVE" (Sec. IV-E-1): before EVE, the frozen CLIP projections E_CT("<e> emotion")
(one per emotion) and E_CI(x) of test frames x; after EVE, the adapters' outputs A_e(E_CT(e)) and
h^v = A_v(E_CI(x)) (Eq. 6), the two spaces the contrastive loss of Eqs. 8-10 aligns. Each frame is
labelled with its clip's emotion; :func:`eatbench.report.figures.fig7_heatmaps` turns them into the
softmax(cos / τ) heatmaps and the diagonal mass.

Selection (deterministic): ``per_emotion`` test clips of each emotion, spread over the actors as
``--limit`` spreads them (:func:`select_clips`); ``frames_per_clip`` frames evenly spaced over each
clip for Fig. 7. Frames are resized to the model's resolution as the training corpus is (bilinear, antialiased). A clip the
preprocessing rejects (no face) is skipped, logged and listed in both files (``skipped``).

Files (layouts of :mod:`eatbench.report.figures`, plus ``clip_ids`` and ``weights``):
``fig5.npz``: ``embeddings (N, hw)``, ``labels (N,)``, ``clip_ids (N,)``;
``fig7.npz``: ``text_before (E, P)``, ``visual_before (M, P)``, ``text_after (E, hw)``,
``visual_after (M, hw)``, ``labels (M,)``, ``emotions (E,)``, ``clip_ids (M,)``.

Example:
    >>> figure_embeddings("demo", None, "results/demo/embeddings")  # doctest: +SKIP
    {'fig5': PosixPath('results/demo/embeddings/fig5.npz'), 'fig7': PosixPath('results/demo/embeddings/fig7.npz')}
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

log = logging.getLogger(__name__)

BATCH = 64  # images per CLIP call


def load_full_model(weights: str | Path | None) -> tuple[Any, str]:
    """The trained full EAT-Face pipeline, found as the benchmark's method adapter finds it, and its folder.

    Raises:
        MissingWeightsError: no checkpoint (the message says where it looked and how to train one).
        EatbenchError: the checkpoint is another variant or its EVE stage has not been trained.
    """
    import json

    from eatbench.errors import EatbenchError
    from eatbench.methods.eatface import EATFace

    method = EATFace(weights=weights, variant="full")
    pipe = method.pipeline()  # MissingWeightsError / variant mismatch, in one line
    folder = method.weights_folder()
    state_file = Path(folder) / "training_state.json"
    if state_file.is_file() and "eve" not in json.loads(state_file.read_text()).get("stages", {}):
        raise EatbenchError(f"--weights {folder}: its EVE adapters are not trained yet; run `eatbench train eve`")
    return pipe, str(folder)


def select_clips(clips: list[Any], per_emotion: int) -> tuple[list[str], list[Any]]:
    """The emotions present (in the dataset's vocabulary order) and ``per_emotion`` clips of each, grouped
    by emotion: the clips of ``--limit per_emotion × emotions`` (:func:`eatbench.clip.balanced_subset`),
    so the figures and the tables of one ``reproduce --limit`` see the same clips and every actor."""
    from eatbench.clip import EMOTIONS, balanced_subset

    present = {c.emotion for c in clips}
    emotions = [e for e in EMOTIONS if e in present] + sorted(present - set(EMOTIONS))
    chosen = balanced_subset(clips, per_emotion * len(emotions))
    return emotions, [c for e in emotions for c in chosen if c.emotion == e]


@torch.no_grad()
def image_embeds(pipe: Any, frames: np.ndarray) -> torch.Tensor:
    """E_CI(x) of uint8 (N, H, W, 3) frames at the model's resolution, (N, P), in batches."""
    from eatface.eve import clip_image_embeds
    from eatface.images import to_model_images

    return torch.cat(
        [
            clip_image_embeds(pipe.clip, to_model_images(frames[k : k + BATCH], pipe.resolution)).cpu()
            for k in range(0, len(frames), BATCH)
        ]
    )


def _save_npz(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    from eatbench.paths import atomic_path

    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)
    return path


@torch.no_grad()
def figure_embeddings(
    dataset: str,
    root: str | Path | None,
    out_dir: str | Path,
    weights: str | Path | None = None,
    per_emotion: int = 8,
    frames_per_clip: int = 4,
    conditions: Literal["all-emotions", "own-emotion"] = "all-emotions",
    split: str = "test",
) -> dict[str, Path]:
    """Write ``fig5.npz`` and ``fig7.npz`` into ``out_dir``; see the module docstring.

    Args:
        dataset: a dataset name (``demo``, ``mead``, ``crema-d``, ``folder``).
        root: its folder (``demo`` has a default).
        out_dir: where the two files go (created).
        weights: a full-model checkpoint folder; default: the one ``--method eatface`` uses.
        per_emotion: test clips per emotion.
        frames_per_clip: frames per clip for Fig. 7's visual embeddings.
        conditions: Fig. 5's (reference, emotion) pairs: every emotion per reference, or the clip's own.
        split: the dataset split (the paper's figures use the test set).

    Returns:
        ``{"fig5": path, "fig7": path}``.

    Raises:
        EatbenchError: bad arguments, fewer than two emotions among the usable clips, no weights.
    """
    from eatbench.datasets.registry import get_dataset
    from eatbench.errors import EatbenchError
    from eatbench.preprocess.prepare import prepare_clip

    # 1. Check inputs; load the model and the clips.
    if per_emotion < 1 or frames_per_clip < 1:
        raise EatbenchError(f"per_emotion and frames_per_clip must be >= 1, got {per_emotion}, {frames_per_clip}")
    if conditions not in ("all-emotions", "own-emotion"):
        raise EatbenchError(f"conditions must be 'all-emotions' or 'own-emotion', got {conditions!r}")
    pipe, folder = load_full_model(weights)
    emotions, clips = select_clips(get_dataset(dataset, root).clips(split), per_emotion)
    references, frames, frame_clip, kept, skipped = [], [], [], [], []
    for clip in clips:
        try:
            prepared = prepare_clip(clip)
        except EatbenchError as err:  # e.g. no face: reported in the log and in the files
            log.warning("figure embeddings: skipped %s: %s", clip.clip_id, err)
            skipped.append(clip.clip_id)
            continue
        idx = np.unique(np.linspace(0, prepared.num_frames - 1, frames_per_clip).round().astype(int))
        references.append(prepared.reference)
        frames.append(prepared.frames[idx])
        frame_clip += [len(kept)] * len(idx)
        kept.append(clip)
    emotions = [e for e in emotions if any(c.emotion == e for c in kept)]
    if len(emotions) < 2:
        raise EatbenchError(
            f"--dataset {dataset}: Figs. 5 and 7 need test clips of at least 2 emotions, got {emotions or 'none'}"
        )
    param = next(pipe.eve.parameters())
    eve = pipe.eve

    # 2. Frozen CLIP embeddings: E_CT("<e> emotion") (E, P), E_CI(x_r) (C, P), E_CI(x) (M, P).
    text = pipe.text_embeds(emotions).cpu()
    ref_embeds = image_embeds(pipe, np.stack(references))
    visual = image_embeds(pipe, np.concatenate(frames))

    # 3. Fig. 5: h^e = α A_e(E_CT(e)) + (1 − α) A_v(E_CI(x_r)) (Eq. 7) for the chosen (x_r, e) pairs.
    pairs = [
        (i, j)
        for i, clip in enumerate(kept)
        for j, e in enumerate(emotions)
        if conditions == "all-emotions" or e == clip.emotion
    ]
    ci, ej = torch.tensor([p[0] for p in pairs]), torch.tensor([p[1] for p in pairs])
    h_e = eve.fuse(text[ej].to(param.device, param.dtype), ref_embeds[ci].to(param.device, param.dtype))  # (N, hw)

    # 4. Fig. 7: before EVE the CLIP projections, after EVE A_e(E_CT(e)) and h^v = A_v(E_CI(x)) (Eq. 6).
    text_after = eve.adapter_e(text.to(param.device, param.dtype))  # (E, hw)
    visual_after = eve.visual(visual.to(param.device, param.dtype))  # (M, hw)

    # 5. Write both files.
    out_dir = Path(out_dir)
    common = {"weights": np.array(folder), "skipped": np.array(skipped, dtype=str)}
    fig5 = _save_npz(
        out_dir / "fig5.npz",
        {
            "embeddings": h_e.float().cpu().numpy(),
            "labels": np.array([emotions[j] for _, j in pairs]),
            "clip_ids": np.array([kept[i].clip_id for i, _ in pairs]),
            **common,
        },
    )
    fig7 = _save_npz(
        out_dir / "fig7.npz",
        {
            "text_before": text.numpy(),
            "visual_before": visual.numpy(),
            "text_after": text_after.float().cpu().numpy(),
            "visual_after": visual_after.float().cpu().numpy(),
            "labels": np.array([kept[k].emotion for k in frame_clip]),
            "emotions": np.array(emotions),
            "clip_ids": np.array([kept[k].clip_id for k in frame_clip]),
            **common,
        },
    )
    log.info(
        "figure embeddings: %d conditions, %d frames of %d clips -> %s", len(pairs), len(visual), len(kept), out_dir
    )
    return {"fig5": fig5, "fig7": fig7}
