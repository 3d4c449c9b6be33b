"""Fig. 7: heatmaps of the cosine similarities between visual and emotion-text embeddings, before and
after joint EVE.

Each heatmap is the softmax (over the emotion texts, temperature τ of EVE's contrastive loss) of
cos(visual, text), averaged over the visual embeddings of each emotion; the diagonal mass (the mean
probability given to the matching emotion; 1/E is chance) states the claim as a number.

``fig7.npz``: ``text_before (E, D)``, ``visual_before (N, D)``, ``text_after (E, D)``,
``visual_after (N, D)``, ``labels (N,)`` (the emotion of each visual embedding) and ``emotions (E,)``
(the order of the text rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.errors import InputError
from eatbench.report.figures.base import Drawn, FigureRequest, PaperFigure, load_npz, pyplot, save_figure

TAU = 0.2  # the temperature of EVE's contrastive loss (Eqs. 8-10), used for the Fig. 7 softmax
KEYS = ("text_before", "visual_before", "text_after", "visual_after", "labels", "emotions")


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


def heatmaps_figure(
    before: np.ndarray, after: np.ndarray, emotions: list[str], diagonals: tuple[float, float], tau: float
):
    """The two (E, E) heatmaps side by side, one colour scale, each cell printed.

    Constrained layout places every label (the "visual" axis title, the emotion ticks) beside its own
    panel, never over the neighbouring one.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.6), layout="constrained")
    fig.get_layout_engine().set(w_pad=0.08, wspace=0.06)
    vmax = max(before.max(), after.max())
    for ax, m, title in (
        (axes[0], before, f"(a) before EVE — diagonal {diagonals[0]:.3f}"),
        (axes[1], after, f"(b) after EVE — diagonal {diagonals[1]:.3f}"),
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
    return fig


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
    fig = heatmaps_figure(before, after, emotions, (d0, d1), tau)
    paths = save_figure(fig, Path(out_stem))
    return {
        "before": before,
        "after": after,
        "diagonal_before": d0,
        "diagonal_after": d1,
        "chance": 1 / len(emotions),
        "tau": tau,
        "paths": paths,
    }


class Fig7(PaperFigure):
    number = 7
    stem = "fig7_eve_heatmaps"
    title = "visual-text similarity before and after EVE"
    needs = "embeddings"

    def draw(self, request: FigureRequest) -> Drawn:
        d = load_npz(self.embeddings_file(request), KEYS)
        r = fig7_heatmaps(*(d[k] for k in KEYS[:5]), [str(e) for e in d["emotions"]], request.out / self.stem)
        summary = (
            f"diagonal mass {r['diagonal_before']:.4f} before EVE, {r['diagonal_after']:.4f} after "
            f"(chance {r['chance']:.4f})"
        )
        return Drawn(r.pop("paths"), summary, r)
