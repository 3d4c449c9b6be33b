"""The report's index page: the tables as `eatbench table` prints them, the figures, and the runs.

:func:`figure_cards` draws Fig. 6 from the store's ratings and copies the other figures from the folder
``eatbench reproduce`` wrote; :func:`index_page` renders ``index.html``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from eatbench.errors import EatbenchError
from eatbench.report.html.view import page_name

if TYPE_CHECKING:
    from eatbench.report.html.build import HtmlReportConfig

FIGURE_FILES = (
    ("Fig. 5", "fig5_tsne.png"),
    ("Fig. 6", "fig6_user_study.png"),
    ("Fig. 7", "fig7_eve_heatmaps.png"),
    ("Stills", "stills_eatface.png"),
    ("Intensity", "intensity.png"),
)


def figure_cards(store, tmp: Path, folder: Path | None, ratings: bool = True) -> list[dict[str, str]]:
    """Figures: Fig. 6 drawn from the store's ratings (``ratings``; else copied as the others are); the others
    copied from a reproduction folder."""
    from eatbench.report import figures

    out: list[dict[str, str]] = []
    missing: dict[str, str] = {}
    numbers: dict[str, str] = {}
    if folder is not None and (folder / "reproduce.json").is_file():
        record = json.loads((folder / "reproduce.json").read_text())
        missing, numbers = record.get("missing_figures", {}), record.get("figure_numbers", {})
    (tmp / "figures").mkdir()
    for name, file in FIGURE_FILES:
        if name == "Fig. 6" and ratings:
            try:
                r = figures.fig6_user_study(store.list_ratings(), tmp / "figures" / "fig6_user_study")
                (tmp / "figures" / "fig6_user_study.pdf").unlink(missing_ok=True)
                ci = r["intervals"]
                note = f"{r['participants']} participants; averages (95% bootstrap CI): " + ", ".join(
                    f"{q} {v:.2f} [{ci[q][0]:.2f}, {ci[q][1]:.2f}]" for q, v in r["average"].items()
                )
                out.append({"name": name, "file": f"figures/{file}", "note": note})
            except EatbenchError as err:
                out.append({"name": name, "file": "", "note": str(err)})
            continue
        if folder is not None and (folder / file).is_file():
            shutil.copyfile(folder / file, tmp / "figures" / file)
            out.append({"name": name, "file": f"figures/{file}", "note": numbers.get(name, "")})
        elif folder is None:
            out.append({"name": name, "file": "", "note": "pass --figures DIR, the folder `eatbench reproduce` wrote"})
        else:
            out.append({"name": name, "file": "", "note": missing.get(name, f"no {file} in {folder.name}/")})
    return out


def index_page(env, store, views, datasets, figures, tmp: Path, cfg: HtmlReportConfig, common: dict, only=None) -> Path:
    """``index.html``: with ``only`` (series ids), the tables are built from those series alone."""
    from eatbench.report.html.tables_html import table_html
    from eatbench.report.tables import build_table

    # The tables as `eatbench table` prints them; a dataset the paper lacks compares with MEAD, as reproduce does.
    compare_to = None if all(d in ("mead", "crema-d") for d in datasets) else "mead"
    tables = [table_html(build_table(1, store, datasets, cfg.published, compare_to, only=only))]
    for d in datasets:
        tables.append(table_html(build_table(2, store, [d], cfg.published, only=only)))
    tables.append(table_html(build_table(3, store, datasets, cfg.published, only=only)))
    for d in datasets:
        tables.append(table_html(build_table(4, store, [d], cfg.published, only=only)))
    labels = {s.key: f"{s.label} on {s.dataset}" for v in views for s in v.series}
    runs = [
        {
            "id": r.id,
            "series": labels.get(r.series, r.series[:12]),
            "status": r.shown_status,
            "git": r.git_commit[:12],
            "command": r.command,
        }
        for r in store.list_runs()
        if r.series in labels
    ]
    summary = []
    for v in views:
        ok = [c for c in v.cells.values() if c.status == "ok"]
        summary.append(
            {
                "name": v.name,
                "file": page_name(v.name),
                "n_clips": len(v.clips),
                "n_series": len(v.series),
                "n_videos": len(ok),
                "n_failed": sum(c.status == "failed" for c in v.cells.values()),
            }
        )
    html = env.get_template("index.html").render(
        **common,
        root="",
        page_kind="index",
        title="Results",
        command=cfg.command or "eatbench report html",
        datasets=summary,
        tables=tables,
        figures=figures,
        runs=runs,
    )
    path = tmp / "index.html"
    path.write_text(html)
    return path
