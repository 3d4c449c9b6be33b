"""The generated demo corpus: synthetic talking faces in MEAD's layout (see :mod:`.corpus`)."""

from eatbench.datasets.demo.corpus import generate_corpus, render_clip

__all__ = ["generate_corpus", "render_clip"]
