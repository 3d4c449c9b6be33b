"""The paper's figures as PNG and PDF (matplotlib, Agg), each with the number that states its claim.

Each figure is one module holding one :class:`~eatbench.report.figures.base.PaperFigure` subclass; the
modules of :data:`FIGURE_MODULES` are imported here for their registrations (the one place a new figure
is registered):

- Fig. 5 (:mod:`.fig5`): t-SNE of the emotion-control condition embeddings, with the silhouette;
- Fig. 6 (:mod:`.fig6`): the user study on EAT-Face, per emotion;
- Fig. 7 (:mod:`.fig7`): visual-text similarity heatmaps before and after joint EVE, with the diagonal mass.

Example:
    >>> drawn = get_figure(6).draw(FigureRequest(Path("out"), store=ResultsStore()))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from eatbench.report.figures.base import (
    FIGURES,
    Drawn,
    FigureRequest,
    PaperFigure,
    colors,
    figure_numbers,
    get_figure,
    load_npz,
    pyplot,
    save_figure,
)
from eatbench.report.figures.fig5 import fig5_tsne, silhouette
from eatbench.report.figures.fig6 import FIG6_QUESTIONS, fig6_user_study
from eatbench.report.figures.fig7 import TAU, diagonal_mass, fig7_heatmaps, similarity_softmax

FIGURE_MODULES = ("fig5", "fig6", "fig7")  # importing a module registers its figure
for _module in FIGURE_MODULES:
    importlib.import_module(f"{__name__}.{_module}")

__all__ = [
    "FIG6_QUESTIONS",
    "FIGURES",
    "TAU",
    "Drawn",
    "FigureRequest",
    "PaperFigure",
    "colors",
    "diagonal_mass",
    "fig5_tsne",
    "fig6_user_study",
    "fig7_heatmaps",
    "figure_numbers",
    "get_figure",
    "load_npz",
    "pyplot",
    "save_figure",
    "silhouette",
    "similarity_softmax",
]
