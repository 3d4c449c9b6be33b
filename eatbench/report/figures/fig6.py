"""Fig. 6: the user study on one method: per-emotion bars of tendency (% votes), emotion degree, reality
and naturalness (1-10), a black dashed line at each average.

The ratings are those imported with ``eatbench study import`` (:mod:`eatbench.report.study`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.report.figures.base import Drawn, FigureRequest, PaperFigure, colors, pyplot, save_figure

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
    plt = pyplot()
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
    palette = colors(len(EMOTIONS))
    for ax, (q, title) in zip(axes, FIG6_QUESTIONS, strict=True):
        vals = [per[(q, e)].mean if (q, e) in per else np.nan for e in emotions]
        errs = [per[(q, e)].sem if (q, e) in per else np.nan for e in emotions]
        ax.bar(
            range(len(emotions)),
            vals,
            yerr=np.nan_to_num(errs),
            color=[palette[EMOTIONS.index(e)] for e in emotions],
            capsize=2,
        )
        if (q,) in avg:
            ax.axhline(avg[(q,)].mean, color="black", linestyle="--", linewidth=1)
            title += f" — avg {avg[(q,)].mean:.2f}"
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(len(emotions)), emotions, rotation=45, ha="right", fontsize=7)
        ax.set_ylim(0, 100 if q == "tend" else 10)
    participants = len({r["participant"] for r in mine})
    from eatbench.report.study import bootstrap_ci

    intervals = {q: bootstrap_ci([r for r in mine if r["question"] == q]) for q, _ in FIG6_QUESTIONS if (q,) in avg}
    fig.suptitle(f"User study on {method} ({participants} participants)", fontsize=10)
    paths = save_figure(fig, Path(out_stem))
    return {
        "means": {q: {e: per[(q, e)].mean for e in emotions if (q, e) in per} for q, _ in FIG6_QUESTIONS},
        "average": {q: avg[(q,)].mean for q, _ in FIG6_QUESTIONS if (q,) in avg},
        "participants": participants,
        "intervals": intervals,  # question -> 95% percentile bootstrap CI of the average (participants resampled)
        "paths": paths,
    }


class Fig6(PaperFigure):
    number = 6
    stem = "fig6_user_study"
    title = "user study on one method, per emotion"
    needs = "ratings"

    def draw(self, request: FigureRequest) -> Drawn:
        ratings = request.store.list_ratings() if request.store is not None else []
        r = fig6_user_study(ratings, request.out / self.stem, request.method)
        ci = r["intervals"]
        summary = f"{r['participants']} participants; averages (95% bootstrap CI): " + ", ".join(
            f"{q} {v:.3f} [{ci[q][0]:.2f}, {ci[q][1]:.2f}]" for q, v in r["average"].items()
        )
        return Drawn(r.pop("paths"), summary, r)
