"""Emotion intensity (beyond the paper): what the emotion judge sees as EAT-Face's ``--intensity`` rises.

``measure_intensity`` takes ``limit`` test clips (``balanced_subset``: spread over the emotions and
actors, the tables' clips), and generates each one's own target emotion from the benchmark's identity
face (the actor's neutral reference, :func:`eatbench.clip.identity_clips`) at every intensity of
``levels`` with the same audio and seed, so only the intensity changes. Every video passes the output
contract. The judge profile's emotion judge (``demo``: trained on the demo corpus) gives each frame's
softmax probability of the target emotion; a clip's value is the mean over its frames. The arrays go to
``intensity.npz``:

- ``levels (L,)``, ``emotions (C,)`` (each clip's target), ``clip_ids (C,)``;
- ``probability (C, L)``: the mean probability of the target emotion;
- ``stills (C, L, H, W, 3)``: each video's middle frame.

``draw_intensity`` draws from that file (never from a model): a grid of stills (the first clip of each
emotion × intensity) and, per emotion, the probability against the intensity (mean over its clips). The
claim it states: for how many emotions the mean probability rises monotonically with the intensity
(a fall under :data:`FALL_TOLERANCE` counts as flat).
Neutral is left out of that count: its condition is the neutral one at every intensity
(:func:`eatface.emotion_mix.mixed_condition`), so its curve is flat by construction.

Example:
    >>> npz = measure_intensity("demo", None, "results/demo/intensity.npz", limit=16)  # doctest: +SKIP
    >>> draw_intensity(npz, "results/demo/intensity").summary  # doctest: +SKIP
    'probability of the target rises monotonically with the intensity for 7 of 7 emotions (neutral flat)'
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError

LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)
NEUTRAL = "neutral"
# A curve still "rises" through a fall smaller than this: near 0 the judge's probabilities differ in the
# 8th decimal (3.0e-8 then 2.7e-8 for angry at s = 0 and 0.25 on the demo), which is no signal. Fixed
# before looking at any curve's size, not fitted to it.
FALL_TOLERANCE = 0.01


def measure_intensity(
    dataset: str,
    root: str | Path | None,
    out: str | Path,
    limit: int = 16,
    levels: tuple[float, ...] = LEVELS,
    profile: str = "demo",
    weights: str | Path | None = None,
    split: str = "test",
    seed: int = 0,
    mode: str = "condition",
) -> Path:
    """Write ``out`` (``intensity.npz``); see the module docstring.

    Raises:
        EatbenchError: EAT-Face cannot run here, the judge is missing, or the split has no clips.
    """
    from eatbench.io import read_video
    from eatbench.methods.contract import run_method
    from eatbench.methods.inputs import GenerationInput, resolve_input
    from eatbench.metrics.emo_acc import EmoAcc
    from eatbench.paths import atomic_path
    from eatbench.report.stills import emotion_method, split_clips

    # 1. The clips, their identity faces, the model (loaded once, its intensity set per video) and the judge.
    clips, identities = split_clips(dataset, root, split, limit)
    method = emotion_method("eatface", weights=weights, intensity_mode=mode)
    judge = EmoAcc(profile).judge()
    classes = list(judge.config.classes)
    missing = sorted({c.emotion for c in clips} - set(classes))
    if missing:
        raise EatbenchError(f"the {profile} emotion judge has no class for {', '.join(missing)}")

    # 2. One video per clip and intensity: the probability of the clip's emotion, and the middle frame.
    probability = np.zeros((len(clips), len(levels)))
    stills = []
    with tempfile.TemporaryDirectory(prefix="eatbench-intensity-") as tmp:
        for i, clip in enumerate(clips):
            row = []
            resolved = resolve_input(GenerationInput(clip=clip, identity=identities[clip.clip_id]))  # once per clip
            for j, s in enumerate(levels):
                method.intensity = s
                frames = read_video(run_method(method, resolved, clip.emotion, seed, Path(tmp) / f"{i}_{j}.mkv")).frames
                logits = judge.logits(frames).astype(np.float64)  # (T, K)
                p = np.exp(logits - logits.max(axis=1, keepdims=True))
                probability[i, j] = float((p / p.sum(axis=1, keepdims=True))[:, classes.index(clip.emotion)].mean())
                row.append(frames[len(frames) // 2])
            stills.append(np.stack(row))

    # 3. The arrays, written atomically.
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp_path, open(tmp_path, "wb") as f:
        np.savez_compressed(
            f,
            levels=np.asarray(levels, np.float64),
            emotions=np.asarray([c.emotion for c in clips]),
            clip_ids=np.asarray([c.clip_id for c in clips]),
            probability=probability,
            stills=np.stack(stills).astype(np.uint8),
            mode=np.asarray(mode),
        )
    return out


def monotone_emotions(levels: np.ndarray, emotions: np.ndarray, probability: np.ndarray) -> dict[str, bool]:
    """Per emotion (neutral left out): does the mean probability over its clips never fall (by more than
    :data:`FALL_TOLERANCE`) as the intensity rises?"""
    order = np.argsort(levels)
    out = {}
    for e in dict.fromkeys(emotions.tolist()):
        if e == NEUTRAL:
            continue
        curve = probability[emotions == e].mean(axis=0)[order]
        out[e] = bool(np.all(np.diff(curve) >= -FALL_TOLERANCE))
    return out


def draw_intensity(npz: str | Path, out_stem: str | Path) -> Any:
    """Draw ``<out_stem>.png`` and ``.pdf`` from ``intensity.npz``; returns a figures.Drawn."""
    from eatbench.report.figures import Drawn, load_npz, pyplot, save_figure

    data = load_npz(npz, ("levels", "emotions", "clip_ids", "probability", "stills"))
    levels, emotions, probability, stills = data["levels"], data["emotions"], data["probability"], data["stills"]
    shown = [e for e in EMOTIONS if e in set(emotions.tolist())]
    first = [int(np.flatnonzero(emotions == e)[0]) for e in shown]  # the first clip of each emotion

    plt = pyplot()
    cols = len(levels)
    fig = plt.figure(figsize=(1.25 * cols + 4.6, 1.25 * len(shown) + 0.6), layout="constrained")
    grid, curves = fig.subfigures(1, 2, width_ratios=[1.25 * cols, 4.4])
    axes = grid.subplots(len(shown), cols, squeeze=False)
    for r, (e, i) in enumerate(zip(shown, first, strict=True)):
        for c in range(cols):
            ax = axes[r, c]
            ax.imshow(stills[i, c])
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0:
                ax.set_title(f"s = {levels[c]:g}", fontsize=8)
            if c == 0:
                ax.set_ylabel(e, fontsize=8)
    grid.suptitle("(a) middle frame per intensity", fontsize=9)
    ax = curves.subplots()
    for e in shown:
        ax.plot(levels, probability[emotions == e].mean(axis=0), marker="o", label=e)
    ax.set_xlabel("intensity s")
    ax.set_ylabel("judge probability of the target emotion")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3)  # below: no curve hidden
    per = sorted({int((emotions == e).sum()) for e in shown})
    clips = f"{per[0]} clip" + ("s" if per[0] > 1 else "") if len(per) == 1 else f"{per[0]}-{per[-1]} clips"
    curves.suptitle(f"(b) per emotion, mean over its {clips}", fontsize=9)
    paths = save_figure(fig, Path(out_stem))

    rising = monotone_emotions(levels, emotions, probability)
    flat = " (neutral flat by construction)" if NEUTRAL in shown else ""
    summary = (
        f"probability of the target rises monotonically with the intensity for {sum(rising.values())} of "
        f"{len(rising)} emotions{flat}"
    )
    at = {f"{e}@{s:g}": float(probability[emotions == e, k].mean()) for e in shown for k, s in enumerate(levels)}
    return Drawn(paths, summary, {"monotone": rising, "probability": at})
