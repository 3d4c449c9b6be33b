"""`eatbench generate`: one talking-face video from a face image and a speech file."""

from __future__ import annotations

from pathlib import Path

import typer


def generate(
    method: str = typer.Option(..., "--method", "-m", help="Method name (see `eatbench methods list`)."),
    image: Path = typer.Option(..., "--image", help="A face image (png, jpg...)."),
    audio: Path = typer.Option(..., "--audio", help="Speech (wav, mp3, m4a... any container)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output: .mkv (lossless) or .mp4 (H.264 preview)."),
    emotion: str | None = typer.Option(
        None, "--emotion", "-e", help="Target emotion (MEAD words), or a blend: happy=0.7,surprised=0.3."
    ),
    intensity: float | None = typer.Option(None, "--intensity", help="Emotion strength: 0 neutral, 1 trained, to 1.5."),
    seed: int = typer.Option(0, "--seed", help="Generation seed."),
    weights: Path | None = typer.Option(None, "--weights", help="Weights folder for methods that take one."),
) -> None:
    """Generate a video of IMAGE speaking AUDIO with METHOD."""
    import tempfile

    from eatbench.errors import EatbenchError
    from eatbench.io import read_audio, read_video, write_video
    from eatbench.methods.base import GenerationInput
    from eatbench.methods.registry import get_method, run_method
    from eatbench.paths import atomic_copy

    suffix = out.suffix.lower()
    if suffix not in (".mkv", ".mp4"):
        raise EatbenchError(f"--out {out}: use .mkv (lossless FFV1) or .mp4 (H.264 preview), got {suffix or 'none'}")
    for flag, path in (("--image", image), ("--audio", audio)):
        if not path.is_file():
            raise EatbenchError(f"{flag} {path}: no such file")
    options = {} if weights is None else {"weights": weights}
    if intensity is not None:
        options["intensity"] = intensity
    m = get_method(method, **options)
    if not m.emotion_controlled and emotion is not None:
        typer.echo(f"note: {m.name} has no emotion control; --emotion {emotion} is ignored", err=True)
    with tempfile.TemporaryDirectory(prefix="eatbench-generate-") as tmp:
        lossless = Path(tmp) / "out.mkv"
        run_method(m, GenerationInput(image=image, audio=audio), emotion, seed, lossless)
        out.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".mkv":
            atomic_copy(lossless, out)
        else:
            video = read_video(lossless)
            write_video(out, video.frames, video.fps, read_audio(lossless), lossless=False)
        sidecar = lossless.with_suffix(".json")
        if sidecar.is_file():
            atomic_copy(sidecar, out.with_suffix(".json"))
    typer.echo(f"wrote {out}")
