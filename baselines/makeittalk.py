"""MakeItTalk (yzhou359/MakeItTalk@fad2fe4), ``main_end2end.py``: audio → landmarks → image. No emotion control.

Upstream facts this adapter is written against (read in the repository's code):

- ``--jpg NAME`` is read as ``'examples/' + NAME`` (``main_end2end.py`` L71), so the face goes into
  ``examples/`` of the working copy.
- Every ``examples/*.wav`` is processed and overwritten in place by a 16 kHz copy (L100-104): the
  adapter deletes the copy's own example wavs and puts exactly one, ``speech.wav``, there.
- It exits with -1 unless exactly one face is found (3D FAN, L72-76): recorded as a crash.
- It writes ``examples/dump/random_val_*.pickle`` (L127-136), so ``examples/dump`` must be a real
  folder in the copy (it is: only files over 1 MiB are symlinked).
- The output (``src/approaches/train_image_translation.py`` L386-431) goes through ``out.mp4`` in
  the CWD at **62.5 fps**, **768×256 = (reference | generated | landmark sketch)**, then ffmpeg muxes
  the wav into ``examples/{prefix}_{wav-derived name}.mp4``; the prefix holds ``pred_fls`` and the
  name ``audio_embed`` (README: ``{jpgstem}_pred_fls_{wavstem}_audio_embed.mp4``).

Normalisation: the middle panel, 62.5 → 25 fps by frame picking. The input face is the benchmark
crop of the reference frame (256×256, head centred, as the README asks), so the panel is already
the benchmark crop.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from baselines.external import ExternalMethod, Job
from eatbench.io import Video
from eatbench.methods.normalize import panel, to_fps

FACE = "eatbench_face.jpg"
SPEECH = "eatbench_speech.wav"


class MakeItTalk(ExternalMethod):
    name = "makeittalk"
    version = "1"
    listing_order = 30
    key = "makeittalk"
    upstream = "yzhou359/MakeItTalk@fad2fe4"
    entry = "main_end2end.py"
    required = (
        "examples/ckpt/ckpt_autovc.pth",
        "examples/ckpt/ckpt_speaker_branch.pth",
        "examples/ckpt/ckpt_content_branch.pth",
        "examples/ckpt/ckpt_116_i2i_comb.pth",
        "examples/dump/",
    )
    link_dirs = ("examples/ckpt",)

    def prepare(self, job: Job) -> list[str]:
        examples = job.workdir / "examples"
        for wav in examples.glob("*.wav"):  # every wav there would be processed and rewritten
            wav.unlink()
        job.write_image(job.reference, FACE)
        job.write_audio(SPEECH)
        for name in (FACE, SPEECH):
            (job.indir / name).replace(examples / name)
        return ["--jpg", FACE]

    def collect(self, job: Job) -> Path:
        stem, wav = Path(FACE).stem, Path(SPEECH).stem
        found = sorted((job.workdir / "examples").glob(f"{stem}_pred_fls_*{wav}*.mp4"))
        if len(found) != 1:
            raise self._missing_output(job, f"examples/{stem}_pred_fls_{wav}_audio_embed.mp4")
        return found[0]

    @classmethod
    def normalize_raw(cls, video: Video, job: Job | None) -> np.ndarray:
        return to_fps(Video(panel(video.frames, 3, 1), video.fps))
