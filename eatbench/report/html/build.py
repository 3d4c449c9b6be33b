"""``eatbench report html``: a static report of the results store that opens from disk, no server.

The folder it writes (``--out DIR``):

- ``index.html``: Tables I-IV as the terminal shows them (measured rows, the paper's rows beside, Δ,
  footnotes), the figures, the runs;
- ``datasets/<dataset>.html``: a grid of clips × methods whose videos play in sync (one control plays,
  pauses and seeks them all), each with its per-clip metric values and provenance; sortable by any
  metric of any method, filterable by emotion, actor and method;
- ``clips/<dataset>/<clip>.html``: the reference frame the methods were given, the driving audio's
  waveform, the ground truth's mouth opening (from the preprocessing cache's landmarks) and each
  method's per-frame PSNR, above the clip's videos;
- ``media/``: H.264 previews (:mod:`eatbench.report.html.media`), reference frames; ``figures/``;
  ``assets/`` (one script, one style sheet); ``screens/`` when screenshots are taken.

Steps (:func:`build_report`): read the store, render into a temporary folder beside ``out``, check the
size budget, then swap it into place, so a failed or over-budget build leaves the old report as it
was. ``out`` must be absent, empty or an earlier report (it holds :data:`MARKER`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError, InputError
from eatbench.report.html import media
from eatbench.report.html.index_page import figure_cards, index_page
from eatbench.report.html.view import (
    DatasetView,
    dataset_clips,
    list_datasets,
    page_name,
    provenance,
    read_dataset,
    safe_name,
)
from eatbench.report.portable import portable

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MARKER = ".eatbench-report"
BUDGET_MB = 12.0  # the demo report (16 clips x 7 series, previews, figures, screenshots) is ~6 MB


@dataclass
class HtmlReportConfig:
    """What ``eatbench report html`` writes. Validated on construction.

    Args:
        out: the report folder (absent, empty, or an earlier report).
        datasets: datasets to show (default: every dataset in the store).
        figures: a folder ``eatbench reproduce`` wrote (its figure PNGs and ``reproduce.json`` are used).
        store: the results database (default ``$EATBENCH_HOME/results.db``).
        preview_size: preview width and height in pixels (even, 32-512).
        budget_mb: the largest report allowed; a bigger one is refused and nothing is replaced.
        published: print the paper's rows beside the measured ones.
        command: the command line, shown on the index page.
        only_reproduced: show only the series the reproduction in ``figures`` scored (its ``reproduce.json``),
            so the report's tables and grids are the ones its table files show; otherwise the store's newest
            series of each label (a later `run --split val`, other weights or judges would show).
    """

    out: Path
    datasets: list[str] | None = None
    figures: Path | None = None
    store: Path | None = None
    preview_size: int = media.PREVIEW_SIZE
    budget_mb: float = BUDGET_MB
    published: bool = True
    command: str = ""
    only_reproduced: bool = False

    def __post_init__(self) -> None:
        self.out = Path(self.out)
        if self.preview_size % 2 or not 32 <= self.preview_size <= 512:
            raise InputError(f"--preview-size {self.preview_size}: must be an even number of pixels in 32-512")
        if self.budget_mb <= 0:
            raise InputError(f"--budget-mb {self.budget_mb:g}: must be positive")
        if self.figures is not None and not Path(self.figures).is_dir():
            raise InputError(f"--figures {self.figures}: no such folder (pass the folder `eatbench reproduce` wrote)")
        if self.only_reproduced and self.figures is None:
            raise InputError("--only-reproduced needs --figures DIR, the folder `eatbench reproduce` wrote")
        if self.out.exists() and not self.out.is_dir():
            raise InputError(f"--out {self.out}: exists and is not a folder")
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).is_file():
            raise InputError(
                f"--out {self.out}: a non-empty folder that is not an eatbench report; "
                "choose an empty or new folder (it is replaced as a whole)"
            )


@dataclass
class HtmlReport:
    out: Path
    pages: list[Path] = field(default_factory=list)
    videos: int = 0
    bytes: int = 0
    seconds: float = 0.0


def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["prov"] = provenance
    return env


def build_report(cfg: HtmlReportConfig) -> HtmlReport:
    """Write the report (see the module docstring) and return what was written.

    Raises:
        EatbenchError: no store, no results, an unknown dataset, or a report over the size budget.
    """
    from eatbench.store import ResultsStore

    t0 = time.perf_counter()
    # 1. Read the store: which datasets, which series.
    store = ResultsStore(cfg.store, readonly=True)
    stored = list_datasets(store)
    if not stored:
        raise EatbenchError(f"results store {store.path} holds no results; run `eatbench run ...` first")
    datasets = stored if cfg.datasets is None else [d.lower() for d in cfg.datasets]
    unknown = [d for d in datasets if d not in stored]
    if unknown:
        raise InputError(f"--dataset {', '.join(unknown)}: no results stored (stored: {', '.join(stored)})")
    only = reproduced_series(Path(cfg.figures)) if cfg.only_reproduced and cfg.figures is not None else None
    if only is not None:  # the datasets the reproduction scored (default), or a clear line for one it did not
        scored = [d for d in stored if any(s.series in only for s in store.list_series(d))]
        if not scored:
            raise InputError(
                f"--only-reproduced: none of the series in {Path(cfg.figures or '.') / 'reproduce.json'} is in "
                f"the results store {store.path} (a reproduction written with another store?)"
            )
        outside = [d for d in datasets if d not in scored]
        if cfg.datasets is not None and outside:
            raise InputError(
                f"--dataset {', '.join(outside)}: the reproduction in {cfg.figures} scored none of its series "
                f"(it scored: {', '.join(scored)})"
            )
        datasets = [d for d in datasets if d in scored]
    views = [read_dataset(store, d, only) for d in datasets]

    # 2. Render into a temporary folder beside the target.
    cfg.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = cfg.out.parent / f".{cfg.out.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    report = HtmlReport(cfg.out)
    try:
        (tmp / MARKER).write_text("written by `eatbench report html`; the whole folder is replaced on each run\n")
        shutil.copytree(HERE / "assets", tmp / "assets")
        env = _env()
        from eatbench.run import git_commit

        common = {
            "nav_datasets": [{"name": v.name, "file": page_name(v.name)} for v in views],
            "git": git_commit()[:12],
            "size": cfg.preview_size,
        }
        media_files: dict[str, str] = {}
        for view in views:
            _previews(view, tmp, cfg.preview_size, media_files)
            report.pages.append(_dataset_page(env, view, tmp, media_files, common))
            report.pages += _clip_pages(env, view, tmp, media_files, common)
        figures = figure_cards(store, tmp, cfg.figures, ratings=only is None)
        report.pages.append(index_page(env, store, views, datasets, figures, tmp, cfg, common, only))
        report.videos = len(media_files)

        # 3. The size budget, then the swap.
        report.bytes = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file())
        if report.bytes > cfg.budget_mb * 1e6:
            raise EatbenchError(
                f"the report would take {report.bytes / 1e6:.1f} MB, over --budget-mb {cfg.budget_mb:g}; "
                "nothing was replaced. Show fewer clips (--dataset, a run with --limit), "
                "lower --preview-size or raise --budget-mb"
            )
        _swap(tmp, cfg.out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.pages = [cfg.out / p.relative_to(tmp) for p in report.pages]
    report.seconds = time.perf_counter() - t0
    return report


def reproduced_series(folder: Path) -> frozenset[str]:
    """The series ids the reproduction in ``folder`` scored (``reproduce.json``, ``outcomes[].series``).

    Raises:
        InputError: no readable reproduce.json, or one written before it recorded the series.
    """
    path = folder / "reproduce.json"
    try:
        outcomes = json.loads(path.read_text())["outcomes"]
        ids = frozenset(o["series"] for o in outcomes if o.get("ran") and o.get("series"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise InputError(f"--only-reproduced: cannot read the series from {path} ({err})") from err
    if not ids:
        raise InputError(
            f"--only-reproduced: {path} names no scored series (written by an older eatbench, or nothing ran); "
            "run `eatbench reproduce` again"
        )
    return ids


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` where ``out`` is, replacing an earlier report in two renames."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _previews(view: DatasetView, tmp: Path, size: int, media_files: dict[str, str]) -> None:
    """Copy every ok cell's preview into ``media/`` once per video hash."""
    for cell in view.cells.values():
        if cell.status != "ok" or cell.video_hash in media_files:
            continue
        assert cell.video_path is not None and cell.video_hash is not None
        try:
            src = media.preview(cell.video_path, cell.video_hash, size)
        except EatbenchError as err:  # the stored file went missing or is unreadable: say so in the cell
            cell.status, cell.error = "failed", f"stored video unreadable: {err}"
            continue
        name = f"media/{cell.video_hash[:20]}.mp4"
        (tmp / "media").mkdir(exist_ok=True)
        shutil.copyfile(src, tmp / name)
        media_files[cell.video_hash] = name


def _dataset_page(env, view: DatasetView, tmp: Path, media_files: dict[str, str], common: dict) -> Path:
    emotions = [e for e in EMOTIONS if any(c.emotion == e for c in view.clips)]
    html = env.get_template("dataset.html").render(
        **common,
        root="../",
        page_kind="dataset",
        title=view.name,
        view=view,
        series=view.series,
        clips=view.clips,
        cells=view.cells,
        metrics=view.metrics,
        media=media_files,
        emotions=emotions,
        actors=sorted({c.actor for c in view.clips}),
    )
    path = tmp / "datasets" / page_name(view.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html)
    return path


def _clip_pages(env, view: DatasetView, tmp: Path, media_files: dict[str, str], common: dict) -> list[Path]:
    """One page per clip: reference frame, waveform, curves, and every series' video of it."""
    import numpy as np

    from eatbench.io import FPS, read_video
    from eatbench.preprocess.prepare import load_prepared

    records, reason = dataset_clips(view)
    pages = []
    for clip in view.clips:
        ctx: dict[str, Any] = {
            "reference": None,
            "reference_index": None,
            "reference_reason": "",
            "waveform": None,
            "audio_reason": "",
            "plots": [],
            "missing_plots": [],
        }
        # 1. The inputs every method was given, from the preprocessing cache (never computed here).
        prepared = identity = None
        if clip.clip_id in records:
            prepared = _load(load_prepared, records[clip.clip_id])
            identity = prepared if clip.identity == clip.clip_id else _load(load_prepared, records.get(clip.identity))
        why = portable(reason) if reason else "the clip is not in the preprocessing cache (`eatbench data prepare`)"
        if identity is not None:
            name = f"media/ref-{safe_name(clip.identity)}.png"
            if not (tmp / name).is_file():
                media.write_bytes(tmp / name, media.png_bytes(identity.reference))
            ctx["reference"], ctx["reference_index"] = name, identity.reference_index
        else:
            ctx["reference_reason"] = why
        if prepared is not None:
            ctx["waveform"] = _markup(media.waveform_svg(prepared.audio.samples))
            duration = prepared.num_frames / FPS
            # 2. Curves: the ground truth's mouth opening (stored landmarks), each method's per-frame PSNR.
            ctx["plots"].append(
                _plot(
                    "Mouth opening (ground truth)",
                    {"ground truth": media.mouth_opening(prepared.landmarks)},
                    duration,
                    "lip gap / iris distance",
                    "Face Mesh landmarks 13-14 over 468-473, from the preprocessing cache.",
                )
            )
            psnr_curves: dict[str, np.ndarray] = {}
            for s in view.series:
                cell = view.cell(s.label, clip.clip_id)
                if cell is None or cell.status != "ok" or cell.video_path is None:
                    continue
                try:
                    psnr_curves[s.display] = media.frame_psnr(read_video(cell.video_path).frames, prepared.frames)
                except EatbenchError as err:
                    ctx["missing_plots"].append(f"{s.display}: no per-frame PSNR ({err})")
            if psnr_curves:
                ctx["plots"].append(
                    _plot(
                        "PSNR per frame",
                        psnr_curves,
                        duration,
                        "dB",
                        "Recomputed from the stored videos with the PSNR metric's frame pairing; the metric "
                        "states keep sums only, so other metrics have no per-frame curve.",
                    )
                )
        else:
            ctx["audio_reason"] = f"driving audio not shown: {why}"
            ctx["missing_plots"].append(f"curves not shown: {why}")
        html = env.get_template("clip.html").render(
            **common,
            **ctx,
            root="../../",
            page_kind="clip",
            title=clip.clip_id,
            view=view,
            clip=clip,
            series=view.series,
            cells=view.cells,
            metrics=view.metrics,
            media=media_files,
            dataset_file=page_name(view.name),
        )
        path = tmp / "clips" / safe_name(view.name) / f"{safe_name(clip.clip_id)}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html)
        pages.append(path)
    return pages


def _load(load_prepared, clip) -> Any:
    if clip is None:
        return None
    try:
        return load_prepared(clip)
    except EatbenchError as err:  # the dataset file moved: no cache key
        log.info("no prepared entry for %s: %s", clip.clip_id, err)
        return None


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def _plot(title: str, curves: dict, duration: float, unit: str, note: str) -> dict[str, Any]:
    svg = media.curves_svg(curves, duration, unit)
    legend = [(name, media.CURVE_COLORS[i % len(media.CURVE_COLORS)]) for i, name in enumerate(curves)]
    return {"title": title, "svg": _markup(svg), "legend": legend, "note": note}
