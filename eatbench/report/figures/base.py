"""The figure registry: a paper figure is one class in one file that draws PNG and PDF from arrays.

A figure subclasses :class:`PaperFigure`, sets its ``number`` (the paper's numbering; registering it),
the file ``stem`` and what it ``needs`` (condition embeddings from an ``.npz`` or imported user-study
ratings), and implements :meth:`PaperFigure.draw`, which returns the files and the number that states
the figure's claim. The modules of :data:`eatbench.report.figures.FIGURE_MODULES` are imported for
their registrations. The figure code takes arrays and labels, never a model, so it is independent of
where the embeddings come from (:mod:`eatbench.report.embeddings` computes them from EAT-Face).

Example:
    >>> drawn = get_figure(7).draw(FigureRequest(Path("out"), embeddings=Path("results/demo/embeddings")))  # doctest: +SKIP
    >>> drawn.summary  # doctest: +SKIP
    'diagonal mass 0.1257 before EVE, 0.5469 after (chance 0.1250)'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np

from eatbench.errors import InputError
from eatbench.paths import atomic_path
from eatbench.registry import Registry
from eatbench.store import ResultsStore

FIGURES: Registry[type[PaperFigure]] = Registry("figure")


@dataclass
class FigureRequest:
    """What a figure is drawn from and where it goes.

    Attributes:
        out: the output folder (``<stem>.png`` and ``<stem>.pdf`` are written there).
        store: the results store (ratings), for figures that need it.
        embeddings: an ``.npz`` file, or a folder holding ``fig5.npz``/``fig7.npz``.
        method: the method whose ratings a user-study figure shows.
    """

    out: Path
    store: ResultsStore | None = None
    embeddings: Path | None = None
    method: str = "eatface"


@dataclass
class Drawn:
    """A drawn figure: its files, the claim as one line, and the numbers behind it."""

    paths: list[Path]
    summary: str
    numbers: dict[str, Any] = field(default_factory=dict)


class PaperFigure(ABC):
    """Base class of every figure.

    Attributes:
        number: the paper's figure number; the registry key (``eatbench figure NUMBER``).
        stem: the output file name without suffix.
        title: a few words for the help and the reproduction index.
        needs: ``embeddings`` (``fig<number>.npz``) or ``ratings`` (the results store's user study).
    """

    number: ClassVar[int]
    stem: ClassVar[str]
    title: ClassVar[str]
    needs: ClassVar[Literal["embeddings", "ratings"]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        missing = [a for a in ("number", "stem", "title", "needs") if not hasattr(cls, a)]
        if missing:
            raise TypeError(f"figure class {cls.__name__} lacks required attribute(s): {', '.join(missing)}")
        FIGURES.register(str(cls.number))(cls)

    @property
    def name(self) -> str:
        """``Fig. 5``."""
        return f"Fig. {self.number}"

    def embeddings_file(self, request: FigureRequest) -> Path:
        """The ``.npz`` this figure reads: ``--embeddings`` itself, or ``fig<number>.npz`` in that folder."""
        if request.embeddings is None:
            raise InputError(f"figure {self.number}: pass --embeddings FILE.npz (layouts in eatbench.report.figures)")
        path = Path(request.embeddings)
        return path / f"fig{self.number}.npz" if path.is_dir() else path

    @abstractmethod
    def draw(self, request: FigureRequest) -> Drawn:
        """Read the inputs, draw, write PNG and PDF; raise an EatbenchError naming a missing input."""


def figure_numbers() -> list[int]:
    """The registered figure numbers, in order."""
    return sorted(int(n) for n in FIGURES.names())


def get_figure(number: int | str) -> PaperFigure:
    """An instance of figure ``number``; an unknown number raises one line naming the known ones."""
    return FIGURES.get(str(number).strip())()


def pyplot():
    """matplotlib's pyplot on the Agg backend (imported on first use: it costs a second)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, out_stem: Path) -> list[Path]:
    """Write ``fig`` as ``<out_stem>.png`` (200 dpi) and ``.pdf`` (no creation date, so reruns are identical)."""
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "pdf"):
        path = out_stem.with_suffix(f".{ext}")
        with atomic_path(path) as tmp:  # nothing half-written (issue 12.5)
            fig.savefig(
                tmp, format=ext, dpi=200, bbox_inches="tight", metadata={"CreationDate": None} if ext == "pdf" else None
            )
        paths.append(path)
    pyplot().close(fig)
    return paths


def colors(n: int) -> list:
    """``n`` colours of matplotlib's tab10 cycle."""
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
