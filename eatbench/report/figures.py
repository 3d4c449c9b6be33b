"""Figs. 5-7 of the paper as PNG and PDF (matplotlib, Agg), each with the number that states its claim.

The figure code takes arrays and labels, never a model, so it is independent of where the
embeddings come from (:mod:`eatface` computes them; ``eatbench figure 5 --embeddings FILE.npz``
reads them from a file):

- Fig. 5: t-SNE (sklearn) of the emotion-control condition embeddings coloured by emotion, with the
  silhouette score (in the embedding space, cosine distance, and in the 2-D map), so "clusters
  separate" is a number (1 = perfectly separated, 0 = overlapping, < 0 = mixed);
- Fig. 6: the user study on EAT-Face: per-emotion bars of tendency (% votes), emotion degree,
  reality and naturalness (1-10), a black dashed line at each average;
- Fig. 7: heatmaps of the softmax (over the emotion texts) of cosine similarities between visual
  embeddings and emotion-text embeddings, before and after joint EVE, with the diagonal mass (the
  mean probability given to the matching emotion; 1/E is chance).

``.npz`` layouts: Fig. 5 ``embeddings (N, D)``, ``labels (N,)``; Fig. 7 ``text_before (E, D)``,
``visual_before (N, D)``, ``text_after (E, D)``, ``visual_after (N, D)``, ``labels (N,)`` (the emotion
of each visual embedding) and ``emotions (E,)`` (the order of the text rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError, InputError
from eatbench.paths import atomic_path

TAU = 0.2  # the temperature of EVE's contrastive loss (Eqs. 8-10), used for the Fig. 7 softmax


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, out_stem: Path) -> list[Path]:
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "pdf"):
        path = out_stem.with_suffix(f".{ext}")
        with atomic_path(path) as tmp:  # nothing half-written (issue 12.5)
            fig.savefig(
                tmp, format=ext, dpi=200, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None
            )
        paths.append(path)
    _pyplot().close(fig)
    return paths


def _colors(n: int) -> list:
    import matplotlib

    return [matplotlib.colormaps["tab10"](i % 10) for i in range(n)]


def load_npz(path: str | Path, keys: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Read an embeddings file and check it holds ``keys``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"--embeddings {path}: no such file")
    import zipfile

    if not zipfile.is_zipfile(path):  # an .npz is a zip archive of .npy arrays
        raise InputError(f"--embeddings {path}: not an .npz file (write one with numpy.savez)")
    try:
        data = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise InputError(f"--embeddings {path}: a corrupt .npz file ({' '.join(str(err).split())})") from None
    with data:
        missing = [k for k in keys if k not in data]
        if missing:
            raise InputError(
                f"--embeddings {path}: missing array(s) {', '.join(missing)} (has {', '.join(data.files)})"
            )
        return {k: data[k] for k in keys}


# ------------------------------------------------------------------------------------------- Fig. 5


def silhouette(x: np.ndarray, labels: np.ndarray, metric: str = "cosine") -> float:
    from sklearn.metrics import silhouette_score

    return float(silhouette_score(x, labels, metric=metric))


def fig5_tsne(embeddings: np.ndarray, labels: np.ndarray, out_stem: str | Path, seed: int = 0) -> dict[str, Any]:
    """Fig. 5: t-SNE of the emotion-condition embeddings.

    Args:
        embeddings: ``(N, D)`` condition embeddings (EVE's h^e, one per generated clip or frame).
        labels: ``(N,)`` emotion names.
        out_stem: output path without suffix (``.png`` and ``.pdf`` are written).
        seed: t-SNE's random state.

    Returns:
        ``silhouette`` (embedding space, cosine), ``silhouette_2d`` (the t-SNE map, Euclidean),
        ``n``, ``perplexity`` and ``paths``.
    """
    from sklearn.manifold import TSNE

    x = np.asarray(embeddings, dtype=np.float64)
    labels = np.asarray(labels).astype(str)
    if x.ndim != 2 or len(x) != len(labels):
        raise InputError(f"embeddings must be (N, D) with N labels, got {x.shape} and {labels.shape}")
    classes = [e for e in EMOTIONS if e in set(labels)] + sorted(set(labels) - set(EMOTIONS))
    if len(classes) < 2 or len(x) < 4:
        raise InputError(f"Fig. 5 needs at least 2 emotions and 4 embeddings, got {len(classes)} and {len(x)}")
    # 1. Embed in 2-D; perplexity must stay below N.
    perplexity = float(min(30.0, max(2.0, (len(x) - 1) / 3)))
    xy = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(x)
    # 2. The claim as a number.
    s_emb, s_2d = silhouette(x, labels, "cosine"), silhouette(xy, labels, "euclidean")
    # 3. Draw.
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for c, color in zip(classes, _colors(len(classes)), strict=True):
        sel = labels == c
        ax.scatter(xy[sel, 0], xy[sel, 1], s=10, color=color, label=c)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"t-SNE of emotion-condition embeddings\nsilhouette {s_emb:.3f} (cosine), {s_2d:.3f} (2-D)")
    ax.legend(fontsize=7, markerscale=1.5, loc="best")
    paths = _save(fig, Path(out_stem))
    return {"silhouette": s_emb, "silhouette_2d": s_2d, "n": len(x), "perplexity": perplexity, "paths": paths}


# ------------------------------------------------------------------------------------------- Fig. 6

FIG6_QUESTIONS = (("tend", "Tend. (%)"), ("emo-de", "Emo-De."), ("real", "Real."), ("nat", "Nat."))


def fig6_user_study(ratings: list[dict[str, Any]], out_stem: str | Path, method: str = "eatface") -> dict[str, Any]:
    """Fig. 6: user-study bars per emotion for ``method`` (tendency votes and three 1-10 scores).

    Returns:
        ``means``: {question: {emotion: mean}}, ``average``: {question: mean over all ratings},
        ``participants`` and ``paths``.
    """
    from eatbench.report.paper import normalise
    from eatbench.report.study import summarize

    mine = [r for r in ratings if normalise(r["method"]) == normalise(method) and r["question"] in dict(FIG6_QUESTIONS)]
    if not mine:
        raise EatbenchError(
            f"Fig. 6: no ratings for method {method!r} with questions tend/emo-de/real/nat; "
            "import them with `eatbench study import RATINGS.csv`"
        )
    no_emotion = [r for r in mine if not r.get("emotion")]
    if no_emotion:
        raise EatbenchError(f"Fig. 6: {len(no_emotion)} rating(s) have no emotion (add an emotion column)")
    per = summarize(mine, by=("question", "emotion"))
    avg = summarize(mine, by=("question",))
    emotions = [e for e in EMOTIONS if any(k[1] == e for k in per)]
    plt = _pyplot()
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
    colors = _colors(len(EMOTIONS))
    for ax, (q, title) in zip(axes, FIG6_QUESTIONS, strict=True):
        vals = [per[(q, e)].mean if (q, e) in per else np.nan for e in emotions]
        errs = [per[(q, e)].sem if (q, e) in per else np.nan for e in emotions]
        ax.bar(
            range(len(emotions)),
            vals,
            yerr=np.nan_to_num(errs),
            color=[colors[EMOTIONS.index(e)] for e in emotions],
            capsize=2,
        )
        if (q,) in avg:
            ax.axhline(avg[(q,)].mean, color="black", linestyle="--", linewidth=1)
            title += f" — avg {avg[(q,)].mean:.2f}"
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(len(emotions)), emotions, rotation=45, ha="right", fontsize=7)
        ax.set_ylim(0, 100 if q == "tend" else 10)
    participants = len({r["participant"] for r in mine})
    fig.suptitle(f"User study on {method} ({participants} participants)", fontsize=10)
    paths = _save(fig, Path(out_stem))
    return {
        "means": {q: {e: per[(q, e)].mean for e in emotions if (q, e) in per} for q, _ in FIG6_QUESTIONS},
        "average": {q: avg[(q,)].mean for q, _ in FIG6_QUESTIONS if (q,) in avg},
        "participants": participants,
        "paths": paths,
    }


# ------------------------------------------------------------------------------------------- Fig. 7


def similarity_softmax(
    text: np.ndarray, visual: np.ndarray, labels: np.ndarray, emotions: list[str], tau: float = TAU
) -> np.ndarray:
    """The (E, E) matrix: row i = the mean over visual embeddings of emotion i of
    softmax_j(cos(v, t_j) / tau) over the emotion texts j."""
    t = np.asarray(text, np.float64)
    v = np.asarray(visual, np.float64)
    t = t / np.linalg.norm(t, axis=1, keepdims=True)
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    logits = v @ t.T / tau  # (N, E)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    labels = np.asarray(labels).astype(str)
    rows = []
    for e in emotions:
        sel = labels == e
        if not sel.any():
            raise InputError(f"Fig. 7: no visual embedding labelled {e!r}")
        rows.append(p[sel].mean(axis=0))
    return np.stack(rows)


def diagonal_mass(m: np.ndarray) -> float:
    """Mean probability on the diagonal (matching emotion); 1/E is chance, 1 is perfect alignment."""
    return float(np.mean(np.diag(m)))


def fig7_heatmaps(
    text_before: np.ndarray,
    visual_before: np.ndarray,
    text_after: np.ndarray,
    visual_after: np.ndarray,
    labels: np.ndarray,
    emotions: list[str],
    out_stem: str | Path,
    tau: float = TAU,
) -> dict[str, Any]:
    """Fig. 7: (a) before and (b) after joint EVE. Returns the matrices, diagonal masses and paths."""
    emotions = [str(e) for e in emotions]
    if len(text_before) != len(emotions) or len(text_after) != len(emotions):
        raise InputError(f"Fig. 7: {len(emotions)} emotions but {len(text_before)}/{len(text_after)} text embeddings")
    before = similarity_softmax(text_before, visual_before, labels, emotions, tau)
    after = similarity_softmax(text_after, visual_after, labels, emotions, tau)
    d0, d1 = diagonal_mass(before), diagonal_mass(after)
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
    vmax = max(before.max(), after.max())
    for ax, m, title in (
        (axes[0], before, f"(a) before EVE — diagonal {d0:.3f}"),
        (axes[1], after, f"(b) after EVE — diagonal {d1:.3f}"),
    ):
        im = ax.imshow(m, cmap="viridis", vmin=0, vmax=vmax)
        ax.set_xticks(range(len(emotions)), emotions, rotation=45, ha="right", fontsize=7)
        ax.set_yticks(range(len(emotions)), emotions, fontsize=7)
        ax.set_xlabel("emotion text")
        ax.set_ylabel("visual")
        ax.set_title(title, fontsize=9)
        for i in range(len(emotions)):
            for j in range(len(emotions)):
                ax.text(
                    j,
                    i,
                    f"{m[i, j]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=5,
                    color="white" if m[i, j] < vmax / 2 else "black",
                )
    fig.colorbar(im, ax=axes, shrink=0.8, label=f"softmax(cos / {tau:g})")
    paths = _save(fig, Path(out_stem))
    return {
        "before": before,
        "after": after,
        "diagonal_before": d0,
        "diagonal_after": d1,
        "chance": 1 / len(emotions),
        "tau": tau,
        "paths": paths,
    }
