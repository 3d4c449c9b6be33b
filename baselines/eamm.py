"""EAMM (jixinya/EAMM@e176a79), ``demo.py``: one-shot, emotion taken from a driving video.

Upstream facts (read in ``demo.py``):

- flags (L527-557): ``--source_image --driving_video --pose_file --in_file --emotion
  --result_path``, checkpoints ``log/124_52000.pth.tar``, ``log/1-6000.pth.tar``,
  ``log/5-3000.pth.tar``, config ``config/MEAD_emo_video_aug_delta_4_crop_random_crop.yaml``;
  ``--smooth_pose``, ``--pose_long``, ``--add_emo`` have no type (``--pose_long False`` would be the
  truthy string): the adapter never passes them;
- **the emotion comes from the driving video**; ``--emotion`` only shifts the alignment template
  for surprised/fear (L159-160). The adapter passes our emotion word (EAMM's list is MEAD's eight)
  and picks the driving video by :func:`pick_driving_clip`;
- the source image is aligned to ``M003_template.npy`` with dlib (``shape_predictor_68_face_landmarks
  .dat`` in the CWD) and the script fails unless exactly one face is found (L433-453);
- the pose file is a (1, 7) or (N, 7) array from 3DDFA_V2, which this project cannot compute: the
  ``pose_dir`` key names a folder of ``{clip_id}.npy`` files, else ``pose_file`` one file for every
  job (default the repository's ``test/pose/21.npy``) **[inferred choice]**;
- output fps is the driving video's (L480); ``emotion.mp4`` is silent and ``emotion.mov`` carries
  the audio (``add_audio``, ``-vcodec copy``), all 256×256. The adapter reads ``emotion.mov``
  (``emotion.mp4`` if the mux failed: the clip's audio is muxed here anyway).

Normalisation: 25 fps (the driving video handed over is 25 fps already). The frames stay in EAMM's
own M003-template alignment, which is close to but not the benchmark crop **[not re-aligned]**.

The driving-video rule (:func:`pick_driving_clip`): among the dataset's clips with the target
emotion and the clip's view, prefer another actor (the clip's own video would leak the ground
truth's motion), then the highest intensity level, then dataset order (actor, sentence). With no
other actor, the same actor's clip of another sentence; otherwise the job fails with the reason.
The dataset is the ``driving_root`` MEAD folder, by default the clip's own dataset root.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from baselines.external import ExternalMethod, Job
from eatbench.clip import EMOTIONS, Clip
from eatbench.errors import EatbenchError, InputError
from eatbench.io import Video
from eatbench.methods.normalize import resize, to_fps

CONFIG = "config/MEAD_emo_video_aug_delta_4_crop_random_crop.yaml"
DEFAULT_POSE = "test/pose/21.npy"


def pick_driving_clip(clips: list[Clip], emotion: str, target: Clip | None) -> Clip:
    """The driving clip for ``emotion`` by the documented rule (see the module docstring).

    Raises:
        InputError: no clip of that emotion besides the target itself.
    """
    view = target.view if target is not None else "front"
    pool = [c for c in clips if c.emotion == emotion and c.view == view]
    if target is not None:
        pool = [c for c in pool if c.video != target.video]
    others = [c for c in pool if target is None or c.actor != target.actor]
    pool = others or [c for c in pool if target is None or c.sentence != target.sentence]
    if not pool:
        raise InputError(f"eamm: no {emotion} clip (view {view}) to drive the emotion, other than the target clip")
    return min(pool, key=lambda c: (-c.level, c.actor, c.sentence))


def mead_root(clip: Clip) -> Path:
    """The MEAD root of a clip: ``{root}/{actor}/video/{view}/{emotion}/level_{n}/{NNN}.mp4``."""
    return clip.video.parents[5]


class EAMM(ExternalMethod):
    name = "eamm"
    version = "1"
    listing_order = 33
    key = "eamm"
    upstream = "jixinya/EAMM@e176a79"
    entry = "demo.py"
    emotions = EMOTIONS
    emotion_source = "driving video of the target emotion (another actor, highest level)"
    required = (
        CONFIG,
        "log/124_52000.pth.tar",
        "log/1-6000.pth.tar",
        "log/5-3000.pth.tar",
        "shape_predictor_68_face_landmarks.dat",
        "M003_template.npy",
    )
    link_dirs = ("log",)
    options: ClassVar[dict[str, str]] = {
        "driving_root": "MEAD folder the driving videos come from (default: the clip's own dataset root)",
        "pose_dir": "folder of 3DDFA_V2 poses named {clip_id}.npy",
        "pose_file": f"one pose file for every job (default {DEFAULT_POSE} of the repository)",
        "cpu": "true to pass --cpu",
    }

    def map_emotion(self, emotion: str | None) -> str | None:
        return emotion or "neutral"

    def prepare(self, job: Job) -> list[str]:
        from eatbench.datasets.registry import get_dataset
        from eatbench.preprocess.prepare import prepare_clip

        emotion = self.map_emotion(job.emotion)
        # 1. The driving clip, by the documented rule.
        target = job.inp.clip
        root = self.config.options.get("driving_root")
        if root is None and target is None:
            raise EatbenchError("eamm: with --image/--audio set driving_root (EATBENCH_EAMM_DRIVING_ROOT)")
        root = Path(root) if root else mead_root(target)
        driving = pick_driving_clip(get_dataset("mead", root=root).clips(), emotion, target)
        job.details.update(driving_clip=driving.clip_id, driving_video=str(driving.video))
        drive = job.write_clip_video(prepare_clip(driving).frames, "driving.mp4")
        # 2. Pose, source image, audio.
        pose = self._pose(job)
        job.details["pose_file"] = pose
        source = job.write_image(job.reference, "source.png")
        speech = job.write_audio()
        args = [
            "--source_image", source,
            "--driving_video", drive,
            "--pose_file", pose,
            "--in_file", speech,
            "--emotion", emotion,
            "--result_path", "eatbench_out/",
        ]  # fmt: skip
        (job.workdir / "eatbench_out").mkdir(exist_ok=True)
        if self.config.options.get("cpu", "").lower() in ("1", "true", "yes"):
            args.append("--cpu")
        return args

    def _pose(self, job: Job) -> str:
        pose_dir = self.config.options.get("pose_dir")
        if pose_dir and job.inp.clip is not None:
            path = Path(pose_dir) / f"{job.inp.clip.clip_id}.npy"
            if path.is_file():
                return str(path)
        path = Path(self.config.options.get("pose_file", DEFAULT_POSE))
        full = path if path.is_absolute() else job.workdir / path
        if not full.is_file():
            raise EatbenchError(f"eamm: pose file {full}: missing (set EATBENCH_EAMM_POSE_FILE or pose_dir)")
        return str(path)

    def collect(self, job: Job) -> Path:
        for name in ("emotion.mov", "emotion.mp4"):
            out = job.workdir / "eatbench_out" / name
            if out.is_file():
                return out
        raise self._missing_output(job, "eatbench_out/emotion.mov")

    @classmethod
    def normalize_raw(cls, video: Video, job: Job | None) -> np.ndarray:
        return resize(to_fps(video))
