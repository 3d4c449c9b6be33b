"""Lips on real speech: a method's mouth opening against the loudness of recorded human speech.

The demo corpus speaks with synthetic voices; this asks whether a generated mouth follows a *human*
voice. ``measure_lips`` drives the identity face of each of the first ``faces`` demo actors (the
reference frame of the actor's first neutral test clip, :func:`eatbench.clip.identity_clips`, written
as a PNG the way a user passes ``--image``) with ``span`` seconds of pyannote.audio's ``sample.wav``, a
real recorded telephone conversation that the pip package ships (16 kHz; never one of the demo's
voices), with the ``neutral`` emotion (for a method with emotion control) and one seed. Each video passes the output contract and is then
measured with the **lip-sync-corr** metric's own functions (:mod:`eatbench.metrics.lip_dynamics`):
mouth opening ``m_t`` from Face Mesh (inner-lip gap over the inter-ocular distance), the loudness
``e_t`` of the video's own audio track (dBFS RMS of the 40 ms frame t spans), speech frames from
Silero VAD, and r = Pearson's r of ``m_t`` and ``e_t`` over the speech frames (lag 0). The arrays go
to ``lips.npz``: ``faces (F,)``, ``mouth (F, T)``, ``loudness (T,)``, ``speech (T,)``, ``r (F,)``,
``span (2,)``, ``method``.

``draw_lips`` draws from that file only: one panel per face with the mouth opening and the loudness
over time (speech frames shaded) and r in its title; the summary states the mean and the smallest r.

Example:
    >>> npz = measure_lips("results/demo/lips.npz")  # doctest: +SKIP
    >>> draw_lips(npz, "results/demo/lips").summary  # doctest: +SKIP
    'mouth opening vs loudness of real recorded speech: r = 0.41 mean over 4 faces (smallest 0.33)'
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from eatbench.errors import EatbenchError

# 10 s of sample.wav: 0.7 s before the first speech turn (6.69 s), then both speakers talking.
SPAN = (6.0, 16.0)
EMOTION = "neutral"


def identity_faces(n: int, dataset: str = "demo", root: str | Path | None = None) -> list[tuple[str, np.ndarray]]:
    """``(actor, full source frame)`` of the first ``n`` actors' identity references in the test split."""
    from eatbench.methods.inputs import GenerationInput, resolve_input
    from eatbench.report.stills import split_clips

    _, identities = split_clips(dataset, root, "test", None)
    by_actor = {ident.actor: ident for ident in identities.values()}
    return [
        (actor, resolve_input(GenerationInput(clip=by_actor[actor])).reference_source_frame())
        for actor in sorted(by_actor)[:n]
    ]


def real_speech(span: tuple[float, float] = SPAN) -> np.ndarray:
    """int16 16 kHz samples of pyannote.audio's ``sample.wav`` between ``span`` seconds."""
    from eatbench.judges.portable_check import SAMPLE_RATE, sample_speech

    audio, _turns = sample_speech()
    if not 0 <= span[0] < span[1] <= len(audio) / SAMPLE_RATE:
        raise EatbenchError(f"span {span}: sample.wav holds {len(audio) / SAMPLE_RATE:.1f} s")
    return audio[int(span[0] * SAMPLE_RATE) : int(span[1] * SAMPLE_RATE)].copy()


def lip_trace(frames: np.ndarray, audio: np.ndarray) -> dict[str, Any]:
    """Mouth opening, loudness, speech frames and lip-sync-corr's r (lag 0) of one video and its audio."""
    from eatbench.metrics.base import Sample
    from eatbench.metrics.functional.face_dynamics import loudness_db
    from eatbench.metrics.lip_dynamics import LipSyncCorr
    from eatbench.metrics.portable import FPS, SAMPLE_RATE, mouth_series, speech_mask

    sample = Sample(gen=frames, audio=audio)
    metric = LipSyncCorr()
    r = metric.value(metric.clip_state(sample))
    mouth = mouth_series(sample, "gen")
    return {
        "mouth": mouth,
        "loudness": loudness_db(audio, len(mouth), FPS, SAMPLE_RATE),
        "speech": speech_mask(sample, len(mouth)),
        "r": float(r),
    }


def measure_lips(
    out: str | Path,
    faces: int = 4,
    span: tuple[float, float] = SPAN,
    method: str = "eatface",
    weights: str | Path | None = None,
    seed: int = 0,
    dataset: str = "demo",
    root: str | Path | None = None,
) -> Path:
    """Write ``out`` (``lips.npz``); see the module docstring.

    Raises:
        EatbenchError: the method cannot run here, or the dataset has no test clips.
    """
    from PIL import Image

    from eatbench.io import Audio, read_audio, read_video, write_audio
    from eatbench.methods.contract import run_method
    from eatbench.methods.inputs import GenerationInput
    from eatbench.methods.registry import resolve_method
    from eatbench.paths import atomic_path

    m = resolve_method(method, **({"weights": weights} if weights is not None else {}))
    avail = m.availability()
    if not avail.ok:
        raise EatbenchError(f"{method}: cannot run here: {avail.reason}")
    emotion = EMOTION if m.emotion_controlled else None
    speech = real_speech(span)
    traces, names = [], []
    with tempfile.TemporaryDirectory(prefix="eatbench-lips-") as tmp:
        wav = Path(tmp) / "speech.wav"
        write_audio(wav, Audio.from_int16(speech))
        for actor, frame in identity_faces(faces, dataset, root):
            png = Path(tmp) / f"{actor}.png"
            Image.fromarray(frame).save(png)
            made = run_method(m, GenerationInput(image=png, audio=wav), emotion, seed, Path(tmp) / f"{actor}.mkv")
            traces.append(lip_trace(read_video(made).frames, read_audio(made).int16))  # the video's own track
            names.append(actor)
    n = min(len(t["mouth"]) for t in traces)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp_path, open(tmp_path, "wb") as f:
        np.savez_compressed(
            f,
            faces=np.asarray(names),
            mouth=np.stack([t["mouth"][:n] for t in traces]),
            loudness=traces[0]["loudness"][:n],
            speech=traces[0]["speech"][:n],
            r=np.asarray([t["r"] for t in traces]),
            span=np.asarray(span, np.float64),
            method=np.asarray(method),
        )
    return out


def draw_lips(npz: str | Path, out_stem: str | Path) -> Any:
    """Draw ``<out_stem>.png`` and ``.pdf`` from ``lips.npz``; returns a figures.Drawn."""
    from eatbench.report.figures import Drawn, load_npz, pyplot, save_figure

    d = load_npz(npz, ("faces", "mouth", "loudness", "speech", "r", "span", "method"))
    faces, mouth, loud, speech, r = d["faces"], d["mouth"], d["loudness"], d["speech"].astype(bool), d["r"]
    t = np.arange(mouth.shape[1]) / 25.0 + float(d["span"][0])
    plt = pyplot()
    fig, axes = plt.subplots(len(faces), 1, figsize=(9, 1.8 * len(faces) + 0.4), sharex=True, squeeze=False)
    for ax, name, m, rr in zip(axes[:, 0], faces, mouth, r, strict=True):
        ax.fill_between(t, 0, 1, where=speech, transform=ax.get_xaxis_transform(), color="0.9", label="speech (VAD)")
        ax.plot(t, m, color="tab:red", lw=1.2, label="mouth opening")
        ax.set_ylabel("opening / IOD", color="tab:red", fontsize=8)
        ax2 = ax.twinx()
        ax2.plot(t, loud, color="tab:blue", lw=0.8, alpha=0.8, label="loudness")
        ax2.set_ylabel("loudness, dBFS", color="tab:blue", fontsize=8)
        ax.set_title(f"{name}: r = {rr:.2f} (mouth opening vs loudness over the speech frames)", fontsize=9, loc="left")
        if ax is axes[0, 0]:  # one legend for the three series (they are on two y axes)
            ax2.legend(handles=ax.get_legend_handles_labels()[0] + ax2.lines, loc="upper right", fontsize=7, ncol=3)
    axes[-1, 0].set_xlabel(f"seconds of pyannote.audio's sample.wav (real recorded speech), driving {d['method']}")
    fig.tight_layout()
    paths = save_figure(fig, Path(out_stem))
    summary = (
        f"mouth opening vs loudness of real recorded speech: r = {np.nanmean(r):.2f} mean over {len(r)} faces "
        f"(smallest {np.nanmin(r):.2f})"
    )
    return Drawn(paths, summary, {"r": {str(f): float(x) for f, x in zip(faces, r, strict=True)}})
