"""One still per target emotion from one reference and one speech track: emotion control at a glance.

``emotion_stills`` takes a test clip (the first of ``balanced_subset``: the same clip whatever the
machine), generates it with an emotion-controlled method once per emotion of :data:`EMOTIONS` from
the benchmark's identity face (the actor's neutral reference, :func:`eatbench.clip.identity_clips`)
with the same audio and seed, so only the emotion text changes, and tiles the middle frame of each
video after that reference. The videos go to a temporary folder; only the PNG/PDF
are kept. Every video passes the output contract (a face must be found in it).

Example:
    >>> emotion_stills("demo", None, "results/demo/stills_eatface")  # doctest: +SKIP
    {'clip': 'M003_angry_3_004_front', 'paths': [...], 'stills': [...], 'seconds': 21.3}
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS, Clip, balanced_subset, identity_clips
from eatbench.errors import EatbenchError


def emotion_stills(
    dataset: str,
    root: str | Path | None,
    out_stem: str | Path,
    method: str = "eatface",
    split: str = "test",
    seed: int = 0,
) -> dict[str, Any]:
    """Write ``<out_stem>.png`` and ``.pdf``; see the module docstring.

    Raises:
        EatbenchError: the method cannot run here (the reason says why), has no emotion control, or
            the split has no clips.
    """
    from eatbench.io import read_video
    from eatbench.methods.contract import run_method
    from eatbench.methods.inputs import GenerationInput, resolve_input
    from eatbench.report.figures import pyplot, save_figure

    # 1. The method and the clip.
    t0 = time.perf_counter()
    m = emotion_method(method)
    clips, identities = split_clips(dataset, root, split, 1)
    clip, identity = clips[0], identities[clips[0].clip_id]  # the actor's neutral face
    resolved = resolve_input(GenerationInput(clip=clip, identity=identity))  # prepared once for every emotion
    reference = resolved.reference

    # 2. One video per emotion; keep its middle frame.
    stills = []
    with tempfile.TemporaryDirectory(prefix="eatbench-stills-") as tmp:
        for emotion in EMOTIONS:
            path = run_method(m, resolved, emotion, seed, Path(tmp) / f"{emotion}.mkv")
            frames = read_video(path).frames
            stills.append(frames[len(frames) // 2])

    # 3. Tile: the reference, then one still per emotion.
    plt = pyplot()
    fig, axes = plt.subplots(1, len(EMOTIONS) + 1, figsize=(1.6 * (len(EMOTIONS) + 1), 2.0))
    for ax, image, title in zip(axes, [reference, *stills], ["reference", *EMOTIONS], strict=True):
        ax.imshow(image)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    fig.suptitle(f"{m.name}: {clip.clip_id}, middle frame, seed {seed}", fontsize=8)
    paths = save_figure(fig, Path(out_stem))
    return {"clip": clip.clip_id, "paths": paths, "stills": stills, "seconds": time.perf_counter() - t0}


def emotion_method(method: str, **options: Any) -> Any:
    """The method by name, checked to run here and to take an emotion (else one line saying why not)."""
    from eatbench.methods.registry import resolve_method

    m = resolve_method(method, **options)
    avail = m.availability()
    if not avail.ok:
        raise EatbenchError(f"{method}: cannot run here: {avail.reason}")
    if not m.emotion_controlled:
        raise EatbenchError(f"{method}: has no emotion control, so there is nothing to show per emotion")
    return m


def split_clips(dataset: str, root: str | Path | None, split: str, n: int | None) -> tuple[list[Clip], dict[str, Clip]]:
    """The first ``n`` clips of ``balanced_subset`` of the split, and every clip's identity clip (the actor's
    neutral face, :func:`eatbench.clip.identity_clips`)."""
    from eatbench.datasets.registry import get_dataset

    clips = get_dataset(dataset, root).clips(split)
    if not clips:
        raise EatbenchError(f"--dataset {dataset}: no clips in split {split!r}")
    return balanced_subset(clips, n), identity_clips(clips)
