"""Fig. 5: t-SNE of the emotion-control condition embeddings, coloured by emotion, with the silhouette.

The silhouette score (in the embedding space, cosine distance, and in the 2-D map) makes "clusters
separate" a number: 1 = perfectly separated, 0 = overlapping, < 0 = mixed.

``fig5.npz``: ``embeddings (N, D)``, ``labels (N,)`` (the emotion of each condition).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import InputError
from eatbench.report.figures.base import Drawn, FigureRequest, PaperFigure, colors, load_npz, pyplot, save_figure


def silhouette(x: np.ndarray, labels: np.ndarray, metric: str = "cosine") -> float:
    """sklearn's silhouette score of ``x`` grouped by ``labels``."""
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
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for c, color in zip(classes, colors(len(classes)), strict=True):
        sel = labels == c
        ax.scatter(xy[sel, 0], xy[sel, 1], s=10, color=color, label=c)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"t-SNE of emotion-condition embeddings\nsilhouette {s_emb:.3f} (cosine), {s_2d:.3f} (2-D)")
    ax.legend(fontsize=7, markerscale=1.5, loc="best")
    paths = save_figure(fig, Path(out_stem))
    return {"silhouette": s_emb, "silhouette_2d": s_2d, "n": len(x), "perplexity": perplexity, "paths": paths}


class Fig5(PaperFigure):
    number = 5
    stem = "fig5_tsne"
    title = "t-SNE of the emotion-condition embeddings"
    needs = "embeddings"

    def draw(self, request: FigureRequest) -> Drawn:
        d = load_npz(self.embeddings_file(request), ("embeddings", "labels"))
        r = fig5_tsne(d["embeddings"], d["labels"], request.out / self.stem)
        summary = f"silhouette {r['silhouette']:.4f} (cosine), {r['silhouette_2d']:.4f} (t-SNE map)"
        return Drawn(r.pop("paths"), summary, r)
