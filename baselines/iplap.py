"""IP-LAP (Weizhi-Zhong/IP_LAP@9b9dc03), ``inference_single.py``: a template video re-lipped. No emotion control.

Upstream facts (read in ``inference_single.py``):

- flags ``--input/--input_template_video``, ``--audio``, ``--output_dir``,
  ``--landmark_gen_checkpoint_path``, ``--renderer_checkpoint_path`` (L13-22). ``--static`` is
  ``type=bool`` and is never read after parsing; the adapter never passes it;
- a still image as input is broken at this commit: the image branch (L203-204) never sets ``fps``,
  which L238 divides by. So the adapter always passes a **video**: the clip's source video at
  25 fps (``template = "video"``, IP-LAP's own protocol: head pose and upper face come from the
  template) or the full reference frame repeated (``template = "still"``, a one-shot comparison);
- a non-25 fps input is converted with ``ffmpeg -r 25`` (L207-216); the adapter hands over 25 fps;
- the temporary folder is ``tempfile_of_{basename(output_dir)}`` in the CWD (L39): inside the
  working copy here, so jobs never collide;
- the output ``{output_dir}/{input stem}result_N_25_Nl_15.mp4`` (L120-121) is **(sketch | full
  frame)** side by side, ``2W × H`` (L420, L511), the generated face pasted back into the full frame;
- it writes ``len(mel_chunks)`` frames, and its mel windowing (16 columns at 80 per second, a hop
  of 3.2) yields about four fewer than the audio's 25 fps frame count: up to :attr:`max_pad` = 5
  missing frames are filled by repeating the last one.

Normalisation: the right half, the benchmark crop box cut out of it, 25 fps.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from baselines.external import ExternalMethod, Job
from eatbench.errors import EatbenchError
from eatbench.io import Video
from eatbench.methods.normalize import cut_to_crop, panel, to_fps

TEMPLATE = "template.mp4"


class IPLAP(ExternalMethod):
    name = "iplap"
    version = "1"
    listing_order = 32
    key = "iplap"
    upstream = "Weizhi-Zhong/IP_LAP@9b9dc03"
    entry = "inference_single.py"
    required = ("test/checkpoints/landmarkgenerator_checkpoint.pth", "test/checkpoints/renderer_checkpoint.pth")
    link_dirs = ("test/checkpoints",)
    options: ClassVar[dict[str, str]] = {
        "template": "video (the clip's source video, default) | still (the reference frame repeated)"
    }
    max_pad = 5

    def prepare(self, job: Job) -> list[str]:
        template = self.config.options.get("template", "video")
        if template not in ("video", "still"):
            raise EatbenchError(f"iplap.template: 'video' or 'still', got {template!r}")
        if template == "video" and job.inp.clip is not None:
            frames = job.source_frames
        else:
            template = "still"
            job.use_reference_frame()
            frames = job.source_frames
        job.details["template"] = template
        video = job.write_clip_video(frames, TEMPLATE)
        speech = job.write_audio()
        return [
            "--input", video,
            "--audio", speech,
            "--output_dir", "eatbench_out",
            "--landmark_gen_checkpoint_path", "test/checkpoints/landmarkgenerator_checkpoint.pth",
            "--renderer_checkpoint_path", "test/checkpoints/renderer_checkpoint.pth",
        ]  # fmt: skip

    def collect(self, job: Job) -> Path:
        out = job.workdir / "eatbench_out" / f"{Path(TEMPLATE).stem}result_N_25_Nl_15.mp4"
        if not out.is_file():
            raise self._missing_output(job, f"eatbench_out/{out.name}")
        return out

    @classmethod
    def normalize_raw(cls, video: Video, job: Job) -> np.ndarray:
        full = panel(video.frames, 2, 1)
        shape = None if job.source_frames is None else job.source_frames.shape[1:3]
        if shape is not None:
            shape = (shape[0] - shape[0] % 2, shape[1] - shape[1] % 2)  # the template was cut to even sizes
        return to_fps(Video(cut_to_crop(full, job.crop_box, shape), video.fps))
