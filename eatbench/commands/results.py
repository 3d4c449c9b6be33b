"""`eatbench results list|show|export`: read the results store back."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Read the results store: runs, series values, per-clip exports.", no_args_is_help=True)


def _store(path: Path | None):
    from eatbench.store import ResultsStore

    return ResultsStore(path, readonly=True)


@app.command("list")
def list_(
    store: Path | None = typer.Option(None, "--store", help="Results database (default $EATBENCH_HOME/results.db)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Every run: id, when, status, series, shard, judge profile, command."""
    import json
    import time
    from dataclasses import asdict

    from rich.console import Console
    from rich.table import Table

    s = _store(store)
    labels = {x.series: f"{x.label} on {x.dataset}" for x in s.list_series()}
    runs = s.list_runs()
    if json_out:
        typer.echo(json.dumps([asdict(r) | {"shown_status": r.shown_status} for r in runs], indent=1))
        return
    t = Table("id", "started", "status", "series", "shard", "profile", "git", "command")
    for r in runs:
        t.add_row(
            str(r.id),
            time.strftime("%Y-%m-%d %H:%M", time.localtime(r.started)),
            r.shown_status,
            labels.get(r.series, r.series),
            f"{r.shard + 1}/{r.num_shards}",
            r.profile,
            r.git_commit[:12],
            r.command,
        )
    Console().print(t)


@app.command("show")
def show(
    run_id: int | None = typer.Argument(None, help="A run id from `results list` (default: every latest series)."),
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="Only this dataset."),
    store: Path | None = typer.Option(None, "--store", help="Results database."),
) -> None:
    """Pooled metric values of a run's series (or of the latest series of every method)."""
    from rich.console import Console
    from rich.table import Table

    from eatbench.errors import EatbenchError

    s = _store(store)
    series = s.list_series(dataset)
    if run_id is not None:
        run = s.get_run(run_id)
        if run is None:
            raise EatbenchError(f"run {run_id}: no such run; `eatbench results list` shows them")
        series = [x for x in series if x.series == run.series]
    else:
        latest = {}
        for x in series:
            latest[(x.label, x.dataset)] = x
        series = list(latest.values())
    if not series:
        raise EatbenchError("no results stored" + (f" for dataset {dataset}" if dataset else ""))
    console = Console()
    for x in series:
        t = Table(
            title=f"{x.label} on {x.dataset} ({x.split}, seed {x.seed}, profile {x.profile}, "
            f"{len(x.clips)} clips; series {x.series})",
            title_justify="left",
        )
        for col in ("metric", "value", "clips", "failed", "protocol"):
            t.add_column(col)
        for name, p in sorted(s.get_pooled(x.series).items()):
            value = "n/a" if p.value is None else f"{p.value:.4f}"
            t.add_row(name, value, f"{p.n_clips}/{p.n_expected}", str(p.n_failed), p.protocol)
        for name, reason in sorted(s.get_unavailable(x.series).items()):
            t.add_row(name, "n/a", "", "", reason)
        console.print(t)


@app.command("export")
def export(
    fmt: str = typer.Option("csv", "--format", "-f", help="csv or jsonl."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Output file (default: stdout)."),
    dataset: str | None = typer.Option(None, "--dataset", "-d", help="Only this dataset."),
    store: Path | None = typer.Option(None, "--store", help="Results database."),
) -> None:
    """Every per-clip metric value with what produced it (one row per series, clip and metric)."""
    import csv
    import io
    import json
    import sys

    from eatbench.errors import EatbenchError

    if fmt not in ("csv", "jsonl"):
        raise EatbenchError(f"--format {fmt!r}: must be csv or jsonl")
    rows = export_rows(_store(store), dataset)
    buf = io.StringIO()
    if fmt == "jsonl":
        for r in rows:
            buf.write(json.dumps(r) + "\n")
    else:
        w = csv.DictWriter(buf, fieldnames=EXPORT_FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if out is None:
        sys.stdout.write(buf.getvalue())
    else:
        from eatbench.paths import atomic_path

        with atomic_path(out) as tmp:
            tmp.write_text(buf.getvalue())
        typer.echo(f"wrote {len(rows)} rows to {out}", err=True)


EXPORT_FIELDS = [
    "label", "method", "variant", "dataset", "split", "profile", "seed", "clip_id", "emotion", "video_status",
    "video_error", "video_hash", "method_version", "weights_hash", "metric", "protocol", "judge_hash", "settings",
    "status", "value", "error",
]  # fmt: skip


def export_rows(store, dataset: str | None = None) -> list[dict]:
    """Join series → videos → per-clip metric values."""
    out = []
    metric_rows: dict[str, list] = {}
    for m in store.list_metric_values():
        metric_rows.setdefault(m.video_hash, []).append(m)
    videos = {v.key: v for v in store.list_videos()}
    for x in store.list_series(dataset):
        base = {k: getattr(x, k) for k in ("label", "method", "variant", "dataset", "split", "profile", "seed")}
        for c in x.clips:
            v = videos.get(c.key)
            row = base | {"clip_id": c.clip_id, "emotion": c.emotion}
            if v is None:
                continue
            row |= {
                "video_status": v.status,
                "video_error": v.error,
                "video_hash": v.video_hash,
                "method_version": v.method_version,
                "weights_hash": v.weights_hash,
            }
            ms = metric_rows.get(v.video_hash or "", [])
            if not ms:
                out.append(row | {k: None for k in EXPORT_FIELDS if k not in row})
            for m in ms:
                k = m.key
                out.append(
                    row
                    | {"metric": k.metric, "protocol": k.protocol, "judge_hash": k.judge_hash, "settings": k.settings}
                    | {"status": m.status, "value": m.value, "error": m.error}
                )
    return out
