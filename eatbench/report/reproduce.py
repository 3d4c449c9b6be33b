"""One command from runs to the paper: every available method and variant, Tables I-IV, Figs. 5-7, an index.

:func:`reproduce` runs (or, thanks to the cache, re-reads) every method that can run here and the
EAT-Face ablation variants, then writes into ``out`` (default ``results/<dataset>/``):

- ``table1.md`` … ``table4.md`` and ``table1.tex`` … ``table4.tex``, from the series this reproduction
  scored only (other runs in the same store, e.g. on the validation split or of other weights, stay out);
- ``fig5_tsne``, ``fig6_user_study``, ``fig7_eve_heatmaps`` as ``.png`` and ``.pdf``, each drawn when
  its inputs exist (embeddings for Figs. 5 and 7, imported ratings for Fig. 6);
- ``stills_eatface``: one still per target emotion from one test clip (:mod:`eatbench.report.stills`),
  and ``intensity``: the judge's probability of the target emotion against EAT-Face's ``--intensity``
  on the tables' clips (:mod:`eatbench.report.intensity`, its arrays in ``intensity.npz``), when EAT-Face
  can run;
- with ``also_profiles`` (``--also-profile portable``), every method (not the variants) is scored again on
  the same videos by those judges, and Tables I and II show their columns beside the main profile's;
- ``README.md``: an index of the files, the runs (clips, failures, time), and every method, variant
  or figure that could not be produced here, with the reason. Nothing is dropped silently.

Figs. 5 and 7 need EAT-Face's condition embeddings. They come from ``<embeddings>/fig5.npz`` and
``<embeddings>/fig7.npz`` (layouts in :mod:`eatbench.report.figures`) or, when EAT-Face is among the
methods, from :func:`eatbench.report.embeddings.figure_embeddings`, which writes those two files from
the checkpoint ``--method eatface`` uses.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.methods.registry import method_class, resolve_method
from eatbench.paths import atomic_write_text
from eatbench.run import RunConfig, Runner, series_label
from eatbench.run.config import default_profile
from eatbench.store import ResultsStore

log = logging.getLogger(__name__)

ABLATION_METRICS = ("emo-acc",)  # Table IV's measured column
MODEL = "eatface"  # the paper's model: its condition embeddings draw Figs. 5 and 7, its stills show the emotions


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
    series: str = ""  # the series id it scored (reproduce.json: `report html --only-reproduced` shows these)


@dataclass
class ReproduceReport:
    out: Path
    outcomes: list[Outcome] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    missing_figures: dict[str, str] = field(default_factory=dict)
    figure_numbers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def plan(methods: list[str] | None) -> list[tuple[str, str | None]]:
    """(method, variant) pairs: the named methods (default: every registered one), each followed by the
    variants it declares besides its default (EAT-Face's ablations). A name that already names a variant
    (``eatface-w/o-eve``) runs as given. An unknown name raises here, before anything runs.
    """
    from eatbench.methods.registry import method_class, method_names, resolve_variant

    out: list[tuple[str, str | None]] = []
    for n in method_names() if methods is None else methods:
        cls = method_class(n)
        out.append((n, None))
        if resolve_variant(n, None) is None:
            out += [(n, v) for v in cls.variants if v != cls.default_variant]
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
    also_profiles: tuple[str, ...] = (),
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
            report.outcomes.append(Outcome(label, False, str(err)))
            continue
        report.outcomes.append(
            Outcome(label, True, "", s.n_clips, len(s.failed), s.generated, s.computed, s.seconds, s.series)
        )
        for other in also_profiles if variant is None else ():  # the same videos (cached), other judges
            tagged = f"{label} ({other} judges)"
            try:
                s = run(replace(cfg, profile=other))
            except EatbenchError as err:
                report.outcomes.append(Outcome(tagged, False, str(err)))
                continue
            report.outcomes.append(
                Outcome(tagged, True, "", s.n_clips, len(s.failed), s.generated, s.computed, s.seconds, s.series)
            )
    if not any(o.ran for o in report.outcomes):
        raise EatbenchError(
            "reproduce: no method could run here: " + "; ".join(f"{o.label}: {o.reason}" for o in report.outcomes)
        )

    # 2. Every registered table in both formats.
    from eatbench.report.tables import build_table, table_numbers, to_latex, to_markdown

    db = ResultsStore(store)
    out.mkdir(parents=True, exist_ok=True)
    compare_to = "mead" if dataset.lower() not in ("mead", "crema-d") else None
    ran = [o.series for o in report.outcomes if o.ran]  # its tables show what it scored, not the whole store
    for number in table_numbers():
        table = build_table(number, db, [dataset.lower()], True, compare_to, only=ran)
        for ext, render in (("md", to_markdown), ("tex", to_latex)):
            path = out / f"table{number}.{ext}"
            atomic_write_text(path, render(table))
            report.files.append(path)

    # 3. Figures: each drawn when its inputs exist, else listed with the reason.
    with_eatface = any(method_class(name) is method_class(MODEL) for name, _ in series)
    _figures(report, db, dataset, root, embeddings, limit, with_eatface)
    if with_eatface:
        _stills(report, dataset, root, seed)
        _intensity(report, dataset, root, seed, limit, profile or default_profile(dataset))
    else:
        report.missing_figures["Stills"] = "eatface is not among --methods"
        report.missing_figures["Intensity"] = "eatface is not among --methods"
    report.seconds = time.perf_counter() - t0
    _write_index(report, dataset, command, " + ".join([profile or default_profile(dataset), *also_profiles]))
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
    """Every registered figure, drawn when its inputs exist, else listed with the reason."""
    from eatbench.report.figures import FigureRequest, figure_numbers, get_figure

    # 1. The condition embeddings of Figs. 5 and 7: given, or computed from the EAT-Face checkpoint.
    reason = ""
    if embeddings is None and not with_eatface:
        reason = "no EAT-Face condition embeddings: eatface is not among --methods and no --embeddings DIR was given"
    elif embeddings is None:
        from eatbench.report.embeddings import figure_embeddings

        # With --limit N the figures use the tables' clips: N spread over the emotions.
        per_emotion = {} if limit is None else {"per_emotion": -(-limit // len(EMOTIONS))}
        try:
            embeddings = figure_embeddings(dataset, root, report.out / "embeddings", **per_emotion)["fig5"].parent
        except EatbenchError as err:
            reason = f"no EAT-Face condition embeddings: {err}"
    # 2. Each figure, or why not.
    request = FigureRequest(report.out, db, embeddings)
    for number in figure_numbers():
        figure = get_figure(number)
        if figure.needs == "embeddings" and reason:
            report.missing_figures[figure.name] = reason
            continue
        if figure.needs == "embeddings" and not figure.embeddings_file(request).is_file():
            report.missing_figures[figure.name] = f"no fig{number}.npz in {embeddings}"
            continue
        try:
            drawn = figure.draw(request)
        except EatbenchError as err:
            report.missing_figures[figure.name] = str(err)
            continue
        report.files += drawn.paths
        report.figure_numbers[figure.name] = drawn.summary


def _intensity(
    report: ReproduceReport, dataset: str, root: Path | None, seed: int, limit: int | None, profile: str
) -> None:
    """EAT-Face's emotion intensity knob as the emotion judge sees it: one clip per emotion of the tables' clips.

    One clip per emotion (8 x 5 levels = 40 generations, about 2 min on 2 idle cores) keeps ``make demo``
    within its 10 min; ``eatbench figure intensity`` measures 16 clips (2 per emotion) by default.
    """
    from eatbench.report.intensity import draw_intensity, measure_intensity

    try:
        npz = measure_intensity(
            dataset,
            root,
            report.out / "intensity.npz",
            limit=min(limit or len(EMOTIONS), len(EMOTIONS)),
            profile=profile,
            seed=seed,
        )
        drawn = draw_intensity(npz, report.out / "intensity")
    except EatbenchError as err:
        report.missing_figures["Intensity"] = str(err)
        return
    report.files += [npz, *drawn.paths]
    report.figure_numbers["Intensity"] = drawn.summary


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


def made_from(out: Path, checkout: Path | None = None) -> str:
    """The commit this eatbench runs from, for the index of ``out``.

    ``<sha>`` when the checkout matches it, ``<sha>-dirty`` when a tracked file outside ``out`` differs
    (the outputs being rewritten do not make the code dirty), ``uncommitted`` outside a git checkout
    (an installed package).
    """
    import subprocess

    from eatbench.report.portable import checkout_root

    root = checkout or checkout_root()
    if root is None:
        return "uncommitted (not a git checkout)"
    spec = ["."]
    try:
        spec.append(f":(exclude){Path(out).resolve().relative_to(root.resolve()).as_posix()}")
    except ValueError:
        pass  # the outputs are outside the checkout
    git = ["git", "-C", str(root)]
    try:
        head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=True)
        status = subprocess.run(
            [*git, "status", "--porcelain", "--untracked-files=no", "--", *spec],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "uncommitted (git could not be read)"
    return head.stdout.strip() + ("-dirty" if status.stdout.strip() else "")


def _write_index(report: ReproduceReport, dataset: str, command: str, profile: str) -> None:
    """README.md and reproduce.json of ``report.out``, with portable paths (:mod:`eatbench.report.portable`)."""
    from eatbench.report.portable import portable

    out = report.out
    commit = made_from(out)
    missing = {k: portable(v) for k, v in report.missing_figures.items()}
    lines = [
        f"# Reproduction on `{dataset}`",
        "",
        f"Written by `{portable(command or 'eatbench reproduce --dataset ' + dataset)}` (eatbench git {commit}), "
        f"judge profile **{profile}**. Every file here is regenerated by that command; do not edit by hand.",
        "",
        "## Tables",
        "",
    ]
    from eatbench.report.tables import Table, get_table, table_numbers

    for n in table_numbers():
        lines.append(
            f"- {Table(n, '', []).name} ({get_table(n).summary}): [Markdown](table{n}.md), [LaTeX](table{n}.tex)"
        )
    lines += ["", "## Figures", ""]
    from eatbench.report.figures import figure_numbers, get_figure

    figures = [(get_figure(n).name, get_figure(n).stem) for n in figure_numbers()] + [
        ("Stills", "stills_eatface"),
        ("Intensity", "intensity"),
    ]
    for fig, stem in figures:
        if fig in missing:
            lines.append(f"- {fig}: **not produced** — {missing[fig]}")
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
            f"{portable(o.reason).replace('|', '/')} |"
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
                "commit": commit,
                "outcomes": [{**o.__dict__, "reason": portable(o.reason)} for o in report.outcomes],
                "missing_figures": missing,
                "figure_numbers": report.figure_numbers,
            },
            indent=1,
        )
        + "\n",
    )
