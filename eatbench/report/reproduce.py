"""One command from runs to the paper: every available method and variant, Tables I-IV, Figs. 5-7, an index.

:func:`reproduce` runs (or, thanks to the cache, re-reads) every method that can run here and the
EAT-Face ablation variants, then writes into ``out`` (default ``results/<dataset>/``):

- ``table1.md`` … ``table4.md`` and ``table1.tex`` … ``table4.tex``;
- ``fig5_tsne``, ``fig6_user_study``, ``fig7_eve_heatmaps`` as ``.png`` and ``.pdf``, each drawn when
  its inputs exist (embeddings for Figs. 5 and 7, imported ratings for Fig. 6);
- ``stills_eatface``: one still per target emotion from one test clip (:mod:`eatbench.report.stills`),
  when EAT-Face can run;
- ``README.md``: an index of the files, the runs (clips, failures, time), and every method, variant
  or figure that could not be produced here, with the reason. Nothing is dropped silently.

Figs. 5 and 7 need EAT-Face's condition embeddings. They come from ``<embeddings>/fig5.npz`` and
``<embeddings>/fig7.npz`` (layouts in :mod:`eatbench.report.figures`) or, when the installed
``eatface`` provides it, from ``eatface.analysis.figure_embeddings(dataset, root, out_dir)``, which
writes those two files and returns their paths.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.paths import atomic_write_text
from eatbench.runner import VARIANTS, RunConfig, Runner, git_commit, resolve_method, series_label
from eatbench.store import ResultsStore

log = logging.getLogger(__name__)

ABLATION_METRICS = ("emo-acc",)  # Table IV's measured column


@dataclass
class Outcome:
    label: str
    ran: bool
    reason: str = ""
    n_clips: int = 0
    failed: int = 0
    generated: int = 0
    computed: int = 0
    seconds: float = 0.0


@dataclass
class ReproduceReport:
    out: Path
    outcomes: list[Outcome] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    missing_figures: dict[str, str] = field(default_factory=dict)
    figure_numbers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def plan(methods: list[str] | None) -> list[tuple[str, str | None]]:
    """(method, variant) pairs: the named methods (default: every registered one), plus the EAT-Face
    ablation variants whenever ``eatface`` is among them."""
    from eatbench.methods.registry import method_names

    names = method_names() if methods is None else methods
    # A variant registered under its own name (eatface-w/o-eve) is the same series as (eatface, w/o-EVE):
    # run it once, as the variant.
    aliases = {f"{n}-{v}".lower() for n in names if n.lower() == "eatface" for v in VARIANTS if v != "full"}
    out: list[tuple[str, str | None]] = []
    for n in names:
        if n.lower() in aliases:
            continue
        out.append((n, None))
        if n.lower() == "eatface":
            out += [(n, v) for v in VARIANTS if v != "full"]
    return out


def reproduce(
    dataset: str,
    out: Path | None = None,
    *,
    methods: list[str] | None = None,
    root: Path | None = None,
    split: str | None = "test",
    limit: int | None = None,
    seed: int = 0,
    profile: str | None = None,
    store: Path | None = None,
    embeddings: Path | None = None,
    run: Callable[[RunConfig], Any] | None = None,
    command: str = "",
) -> ReproduceReport:
    """Run everything available and write every table and figure; see the module docstring."""
    t0 = time.perf_counter()
    out = Path(out) if out is not None else Path("results") / dataset.lower()
    report = ReproduceReport(out)
    run = run or (lambda cfg: Runner(cfg).run())

    # 1. Every method and variant that can run here, through the cache.
    series = plan(methods)
    for name, variant in series:
        label = series_label(name, variant)
        try:
            method = resolve_method(name, variant)
            avail = method.availability()
            if not avail.ok:
                report.outcomes.append(Outcome(label, False, avail.reason))
                continue
            cfg = RunConfig(
                method=name,
                dataset=dataset,
                root=root,
                split=split,
                limit=limit,
                seed=seed,
                profile=profile,
                variant=variant,
                metrics=ABLATION_METRICS if variant else None,
                store=store,
                command=command,
            )
            s = run(cfg)
        except EatbenchError as err:
            if methods is not None and "unknown method" in str(err):
                raise
            report.outcomes.append(Outcome(label, False, str(err)))
            continue
        report.outcomes.append(Outcome(label, True, "", s.n_clips, len(s.failed), s.generated, s.computed, s.seconds))
    if not any(o.ran for o in report.outcomes):
        raise EatbenchError(
            "reproduce: no method could run here: " + "; ".join(f"{o.label}: {o.reason}" for o in report.outcomes)
        )

    # 2. Tables I-IV in both formats.
    from eatbench.report.tables import build_table, to_latex, to_markdown

    db = ResultsStore(store)
    out.mkdir(parents=True, exist_ok=True)
    compare_to = "mead" if dataset.lower() not in ("mead", "crema-d") else None
    for number in (1, 2, 3, 4):
        table = build_table(number, db, [dataset.lower()], True, compare_to)
        for ext, render in (("md", to_markdown), ("tex", to_latex)):
            path = out / f"table{number}.{ext}"
            atomic_write_text(path, render(table))
            report.files.append(path)

    # 3. Figures: each drawn when its inputs exist, else listed with the reason.
    with_eatface = any(name.lower() == "eatface" for name, _ in series)
    _figures(report, db, dataset, root, embeddings, limit, with_eatface)
    if with_eatface:
        _stills(report, dataset, root, seed)
    else:
        report.missing_figures["Stills"] = "eatface is not among --methods"
    report.seconds = time.perf_counter() - t0
    _write_index(report, dataset, command, profile or ("demo" if dataset.lower() == "demo" else "official"))
    return report


def _figures(
    report: ReproduceReport,
    db: ResultsStore,
    dataset: str,
    root: Path | None,
    embeddings: Path | None,
    limit: int | None,
    with_eatface: bool = True,
) -> None:
    from eatbench.report import figures

    out = report.out
    ratings = db.list_ratings()
    try:
        r = figures.fig6_user_study(ratings, out / "fig6_user_study")
        report.files += r["paths"]
        report.figure_numbers["Fig. 6"] = ", ".join(f"{q} avg {v:.3f}" for q, v in r["average"].items())
    except EatbenchError as err:
        report.missing_figures["Fig. 6"] = str(err)

    files: dict[str, Path] = {}
    reason = ""
    if embeddings is not None:
        files = {k: embeddings / f"{k}.npz" for k in ("fig5", "fig7") if (embeddings / f"{k}.npz").is_file()}
        reason = f"no fig5.npz/fig7.npz in {embeddings}"
    else:
        reason = (
            "no EAT-Face condition embeddings: this checkout has no eatface.analysis.figure_embeddings "
            "and no --embeddings DIR was given"
        )
        if not with_eatface:
            reason = (
                "no EAT-Face condition embeddings: eatface is not among --methods and no --embeddings DIR was given"
            )
        elif _has_module("eatface", "analysis"):  # checked on disk: importing eatface costs seconds
            try:
                from eatface.analysis import figure_embeddings

                # With --limit N the figures use the tables' clips: N spread over the emotions.
                per_emotion = {} if limit is None else {"per_emotion": -(-limit // len(EMOTIONS))}
                made = figure_embeddings(dataset, root, out / "embeddings", **per_emotion)
                files = {k: Path(v) for k, v in made.items()}
            except (ImportError, EatbenchError) as err:
                reason = f"no EAT-Face condition embeddings: {err}"
    if "fig5" in files:
        d = figures.load_npz(files["fig5"], ("embeddings", "labels"))
        r = figures.fig5_tsne(d["embeddings"], d["labels"], out / "fig5_tsne")
        report.files += r["paths"]
        report.figure_numbers["Fig. 5"] = (
            f"silhouette {r['silhouette']:.4f} (cosine), {r['silhouette_2d']:.4f} (t-SNE map)"
        )
    else:
        report.missing_figures["Fig. 5"] = reason or "no fig5 embeddings"
    if "fig7" in files:
        keys = ("text_before", "visual_before", "text_after", "visual_after", "labels", "emotions")
        d = figures.load_npz(files["fig7"], keys)
        r = figures.fig7_heatmaps(*(d[k] for k in keys[:5]), [str(e) for e in d["emotions"]], out / "fig7_eve_heatmaps")
        report.files += r["paths"]
        report.figure_numbers["Fig. 7"] = (
            f"diagonal mass {r['diagonal_before']:.4f} before EVE, {r['diagonal_after']:.4f} after (chance {r['chance']:.4f})"
        )
    else:
        report.missing_figures["Fig. 7"] = reason or "no fig7 embeddings"


def _stills(report: ReproduceReport, dataset: str, root: Path | None, seed: int) -> None:
    """EAT-Face's emotion stills (one reference, every emotion), when EAT-Face can run here."""
    from eatbench.report.stills import emotion_stills

    try:
        r = emotion_stills(dataset, root, report.out / "stills_eatface", seed=seed)
    except EatbenchError as err:
        report.missing_figures["Stills"] = str(err)
        return
    report.files += r["paths"]
    report.figure_numbers["Stills"] = f"clip {r['clip']}, {r['seconds']:.1f} s"


def _has_module(package: str, module: str) -> bool:
    import importlib.util

    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return any((Path(d) / f"{module}.py").is_file() or (Path(d) / module).is_dir() for d in locations)


def _write_index(report: ReproduceReport, dataset: str, command: str, profile: str) -> None:
    out = report.out
    lines = [
        f"# Reproduction on `{dataset}`",
        "",
        f"Written by `{command or 'eatbench reproduce --dataset ' + dataset}` (eatbench git {git_commit()}), "
        f"judge profile **{profile}**. Every file here is regenerated by that command; do not edit by hand.",
        "",
        "## Tables",
        "",
    ]
    titles = {1: "Quantitative comparison", 2: "Emo-Acc per emotion", 3: "User study", 4: "Ablation"}
    for n, title in titles.items():
        lines.append(
            f"- Table {['I', 'II', 'III', 'IV'][n - 1]} ({title}): [Markdown](table{n}.md), [LaTeX](table{n}.tex)"
        )
    lines += ["", "## Figures", ""]
    figures = (
        ("Fig. 5", "fig5_tsne"),
        ("Fig. 6", "fig6_user_study"),
        ("Fig. 7", "fig7_eve_heatmaps"),
        ("Stills", "stills_eatface"),
    )
    for fig, stem in figures:
        if fig in report.missing_figures:
            lines.append(f"- {fig}: **not produced** — {report.missing_figures[fig]}")
        else:
            lines.append(f"- {fig}: [PNG]({stem}.png), [PDF]({stem}.pdf) — {report.figure_numbers.get(fig, '')}")
    lines += [
        "",
        "## Methods",
        "",
        "| method | ran | clips | failed | generated now | metric values now | seconds | reason |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for o in report.outcomes:
        lines.append(
            f"| {o.label} | {'yes' if o.ran else 'no'} | {o.n_clips if o.ran else ''} | {o.failed if o.ran else ''} | "
            f"{o.generated if o.ran else ''} | {o.computed if o.ran else ''} | {f'{o.seconds:.1f}' if o.ran else ''} | "
            f"{o.reason.replace('|', '/')} |"
        )
    lines += ["", f"Total time: {report.seconds:.1f} s."]
    path = out / "README.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    report.files.append(path)
    atomic_write_text(
        out / "reproduce.json",
        json.dumps(
            {
                "dataset": dataset,
                "profile": profile,
                "outcomes": [o.__dict__ for o in report.outcomes],
                "missing_figures": report.missing_figures,
                "figure_numbers": report.figure_numbers,
            },
            indent=1,
        )
        + "\n",
    )
