"""StyleHEAT, audio-driven (OpenTalker/StyleHEAT@9cb0c7c, ``inference.py --audio_path``). No emotion control.

The public audio path is SadTalker's audio-to-coefficient networks driving the StyleHEAT renderer,
not necessarily the paper's own audio module (recorded in every sidecar).

Upstream facts (read in ``inference.py`` of the OpenTalker fork):

- command (README): ``--config configs/inference.yaml --audio_path X.wav --image_source img.jpg
  --cross_id --if_extract --output_dir OUT --inversion_option optimize``; without ``--if_extract`` it
  crashes in ``get_3dmm`` (StyleHEAT#17);
- ``pose_style = random.randint(0, 45)`` is unseeded (``audio_reenactment``): the launcher seeds
  ``random`` with the job seed, so a seed gives one pose style;
- it writes a silent ``{output_dir}/{image_name}.mp4`` and the muxed ``{image_name}_audio.mp4``;
  the generator runs at ``imsize=1024``;
- the audio is cut with ``pydub.AudioSegment.from_mp3`` — given our 16 kHz WAV this relies on
  ffmpeg probing the real format **[inferred, not run]**;
- SadTalker must be cloned into ``third_part/SadTalker`` with its three checkpoints.

Normalisation: 1024 → 256 by area averaging; the input image is the benchmark crop of the
reference frame, so the output framing is the benchmark crop (no ``--if_align``).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from baselines.external import ExternalMethod, Job
from eatbench.io import Video
from eatbench.methods.normalize import resize, to_fps

IMAGE = "face.jpg"


class StyleHEAT(ExternalMethod):
    name = "styleheat"
    version = "1"
    listing_order = 31
    key = "styleheat"
    upstream = "OpenTalker/StyleHEAT@9cb0c7c"
    entry = "inference.py"
    required = (
        "configs/inference.yaml",
        "checkpoints/Encoder_e4e.pth",
        "checkpoints/hfgi.pth",
        "checkpoints/StyleGAN_e4e.pth",
        "checkpoints/ffhq_pca.pt",
        "checkpoints/ffhq_PCA.npz",
        "checkpoints/stylegan2_d_256.pth",
        "checkpoints/model_ir_se50.pth",
        "checkpoints/StyleHEAT_visual.pt",
        "checkpoints/Deep3D/epoch_20.pth",
        "checkpoints/BFM/",
        "checkpoints/interfacegan_directions/",
        "third_part/SadTalker/checkpoints/wav2lip.pth",
        "third_part/SadTalker/checkpoints/auido2pose_00140-model.pth",
        "third_part/SadTalker/checkpoints/auido2exp_00300-model.pth",
    )
    link_dirs = ("checkpoints", "third_part/SadTalker/checkpoints")
    options: ClassVar[dict[str, str]] = {
        "inversion_option": "load | optimize | encode (default optimize, as the README's audio example)"
    }

    def prepare(self, job: Job) -> list[str]:
        image = job.write_image(job.reference, IMAGE)
        speech = job.write_audio()
        (job.workdir / "eatbench_out").mkdir(exist_ok=True)
        inversion = self.config.options.get("inversion_option", "optimize")
        return [
            "--config", "configs/inference.yaml",
            "--audio_path", speech,
            "--image_source", image,
            "--cross_id",
            "--if_extract",
            "--output_dir", "eatbench_out",
            "--inversion_option", inversion,
        ]  # fmt: skip

    def collect(self, job: Job) -> Path:
        out = job.workdir / "eatbench_out" / f"{Path(IMAGE).stem}_audio.mp4"
        if not out.is_file():
            raise self._missing_output(job, f"eatbench_out/{out.name}")
        return out

    @classmethod
    def normalize_raw(cls, video: Video, job: Job | None) -> np.ndarray:
        return resize(to_fps(video))
