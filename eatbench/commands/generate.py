"""`eatbench generate`: one video from a face image and a speech file."""

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
    variant: str | None = typer.Option(None, "--variant", help="A variant the method declares (eatface: w/o-EVE...)."),
) -> None:
    """Generate a video of IMAGE speaking AUDIO with METHOD. The output location is checked first (exit 4
    when it cannot take the video: a parent that is a file, a read-only folder, a full disk)."""
    import os
    import tempfile

    from eatbench.errors import EatbenchError, EnvironmentFault
    from eatbench.io import frames_for_audio, read_audio, read_video, write_video
    from eatbench.methods.contract import check_writable, run_method
    from eatbench.methods.inputs import GenerationInput, read_speech
    from eatbench.methods.registry import resolve_method

    # 1. Arguments and the output location, before anything is generated.
    suffix = out.suffix.lower()
    if suffix not in (".mkv", ".mp4"):
        raise EatbenchError(f"--out {out}: use .mkv (lossless FFV1) or .mp4 (H.264 preview), got {suffix or 'none'}")
    for flag, path in (("--image", image), ("--audio", audio)):
        if not path.is_file():
            raise EatbenchError(f"{flag} {path}: no such file")
    options = {} if intensity is None else {"intensity": intensity}
    m = resolve_method(method, variant, weights=weights, **options)
    if not m.emotion_controlled and emotion is not None:
        typer.echo(f"note: {m.name} has no emotion control; --emotion {emotion} is ignored", err=True)
    n_frames = frames_for_audio(read_speech(audio))
    check_writable(out, 2 * n_frames * 256 * 256 * 3)  # the lossless file and the output, raw-RGB bound
    # 2. Generate beside the output (same disk), then move it into place.
    try:
        with tempfile.TemporaryDirectory(prefix=".eatbench-generate-", dir=out.parent) as tmp:
            lossless = Path(tmp) / "out.mkv"
            run_method(m, GenerationInput(image=image, audio=audio), emotion, seed, lossless)
            staged = lossless
            if suffix == ".mp4":
                video = read_video(lossless)
                staged = Path(tmp) / "out.mp4"
                write_video(staged, video.frames, video.fps, read_audio(lossless), lossless=False)
            os.replace(lossless.with_suffix(".json"), out.with_suffix(".json"))
            os.replace(staged, out)
    except OSError as err:
        raise EnvironmentFault(
            f"--out {out}: could not write it ({err.strerror or err}); nothing was left there"
        ) from None
    typer.echo(f"wrote {out}")
