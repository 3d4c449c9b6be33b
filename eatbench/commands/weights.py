"""`eatbench weights`: list, verify and fetch the judges' pretrained files."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The judges' pretrained files: where they are looked for, checksums, download.", no_args_is_help=True
)

_PROFILE = typer.Option(
    None, "--profile", "-p", help="Only the files of this judge profile (official, demo or portable)."
)
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _rows(profile: str | None, verify: bool) -> list[dict]:
    from eatbench.judges import weights as w

    return [w.status(e, verify=verify) for e in w.entries(profile)]  # type: ignore[arg-type]


def _print(rows: list[dict], as_json: bool, verify: bool) -> None:
    if as_json:
        import json

        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for col in ("name", "profile", "file", "sha256", "present", "licence", *(["check"] if verify else [])):
        table.add_column(col, no_wrap=col not in ("file", "licence"), overflow="fold")
    for r in rows:
        sha = r["sha256"] if len(r["sha256"]) <= 9 else r["sha256"][:8] + "…"
        cells = [r["name"], r["profile"], r["file"], sha, "yes" if r["present"] else "no", r.get("licence") or "-"]
        if verify:
            cells.append(r.get("verified", "-").split(" (")[0])
        table.add_row(*cells)
    console = Console()
    console.print(table)
    for r in rows:
        if r["present"]:
            console.print(f"{r['name']} ({r['profile']}): {r['path']}", soft_wrap=True)
        else:
            console.print(
                f"{r['name']} ({r['profile']}): searched {', '.join(r['searched'])}; get it with {r['obtain']}",
                soft_wrap=True,
            )


@app.command("list")
def list_(profile: str | None = _PROFILE, as_json: bool = _JSON) -> None:
    """Every weights file: name, checksum, folders searched, whether it is present."""
    _print(_rows(profile, verify=False), as_json, verify=False)


@app.command("verify")
def verify(profile: str | None = _PROFILE, as_json: bool = _JSON) -> None:
    """Hash every present file and compare with the published checksum (exit 1 on a mismatch)."""
    rows = _rows(profile, verify=True)
    _print(rows, as_json, verify=True)
    if any(r.get("verified") == "MISMATCH" for r in rows):
        raise typer.Exit(1)


@app.command("fetch")
def fetch(
    name: str = typer.Argument(..., help="Registry name, e.g. syncnet, arcface, fid-inception, lpips-alex."),
    profile: str = typer.Option("official", "--profile", "-p", help="Judge profile."),
    dest: str | None = typer.Option(None, "--dest", help="Folder to write to (default $EATBENCH_WEIGHTS)."),
) -> None:
    """Download a file from its official URL, verify its checksum, and store it atomically."""
    from eatbench.judges.weights import fetch_weights, get_entry

    entry = get_entry(name, profile)  # type: ignore[arg-type]
    path = fetch_weights(name, profile, dest)  # type: ignore[arg-type]
    if entry.url:
        typer.echo(f"saved {path}")
    else:  # nothing serves it, and nothing needs to: it ships with a package (or was made here)
        remake = f"; to make your own: {entry.obtain}" if entry.obtain else ""
        typer.echo(f"{entry.name} ({entry.profile}): nothing to download, the file is already at {path}{remake}")
