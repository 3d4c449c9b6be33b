"""EmoGen (sahilg06/EmoGen@8172fd1), ``inference.py``: Wav2Lip-style lip sync with a 6-way emotion label.

Upstream facts (read in ``inference.py`` and ``models/wav2lip.py``):

- flags: ``--checkpoint_path --face --audio --emotion {ANG,DIS,FEA,HAP,NEU,SAD}`` (L14-62);
  ``--static`` is ``type=bool`` (never passed here); a still is recognised by
  ``args.face.split('.')[1]`` (L59, L193), so the adapter passes relative paths without dots;
- **``--outfile`` is ignored**: frames go to ``temp/result.avi`` and ffmpeg writes
  ``results/{EMO}.mp4`` (L269, L294); ``results/`` is not in the repository and ffmpeg does not
  create it, so the adapter creates ``results/`` and ``temp/`` in the working copy;
- the README asks to comment out two lines of ``models/wav2lip.py`` for inference (L108
  ``emotion = emotion.unsqueeze(1).repeat(1, 5, 1)`` and L113 ``emotion = torch.cat([emotion[:, i]
  ...``): :func:`patch_wav2lip` comments them out in the working copy, and fails with the file
  named if neither the original nor the patched text is there;
- the face is pasted back into the **full input frame** (L279-283); frames are read at the input's
  own fps (no conversion), so the adapter hands over 25 fps;
- it writes ``len(mel_chunks)`` frames, about three fewer than the audio's 25 fps frame count
  (16-column windows, hop 80/fps, one extra final chunk): up to :attr:`max_pad` = 5 are repeated;
- checkpoints were never officially released (EmoGen#9); the shared ones are not the best model
  (EmoGen#17/#18), so **EmoGen numbers will not match the paper**. Face detection needs
  ``face_detection/detection/sfd/s3fd.pth``.

Emotion mapping (our eight → EmoGen's six), recorded in every sidecar: angry→ANG, disgusted→DIS,
fear→FEA, happy→HAP, neutral→NEU, sad→SAD, and the two EmoGen cannot express mapped to the
nearest of its classes: **contempt→DIS** (both are rejection emotions with a raised upper lip;
contempt is the class most confused with disgust) and **surprised→FEA** (both raise the brows and
widen the eyes and mouth). Emo-Acc for those two measures that substitute, not the target.

Normalisation: the benchmark crop box cut out of the full frames, 25 fps.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from baselines.external import ExternalMethod, Job
from eatbench.clip import EMOTIONS
from eatbench.errors import EatbenchError
from eatbench.io import Video
from eatbench.methods.normalize import cut_to_crop, to_fps

EMOGEN_CODES: dict[str, str] = {
    "angry": "ANG",
    "contempt": "DIS",  # no contempt class: nearest
    "disgusted": "DIS",
    "fear": "FEA",
    "happy": "HAP",
    "neutral": "NEU",
    "sad": "SAD",
    "surprised": "FEA",  # no surprise class: nearest
}
PATCH_LINES = (
    "emotion = emotion.unsqueeze(1).repeat(1, 5, 1)",
    "emotion = torch.cat([emotion[:, i] for i in range(emotion.size(1))], dim=0)",
)


def patch_wav2lip(path: Path) -> None:
    """Comment out the two lines the EmoGen README says to disable for inference.

    Raises:
        EatbenchError: neither line (original nor already commented) is found in ``path``.
    """
    lines = path.read_text().splitlines(keepends=True)
    for needle in PATCH_LINES:
        hits = [i for i, line in enumerate(lines) if line.strip().startswith(needle)]
        done = [i for i, line in enumerate(lines) if line.strip().startswith("#") and needle in line]
        if not hits and not done:
            raise EatbenchError(f"{path}: the line `{needle}` the EmoGen README says to comment out is not there")
        for i in hits:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f"{indent}pass  # {lines[i].strip()}  (commented out for inference by eatbench)\n"
    path.write_text("".join(lines))


class EmoGen(ExternalMethod):
    name = "emogen"
    version = "1"
    listing_order = 34
    key = "emogen"
    upstream = "sahilg06/EmoGen@8172fd1"
    entry = "inference.py"
    emotions = EMOTIONS
    emotion_source = "label, 6 classes (contempt→DIS, surprised→FEA)"
    required = ("models/wav2lip.py", "face_detection/detection/sfd/s3fd.pth")
    options: ClassVar[dict[str, str]] = {
        "checkpoint": "the EmoGen generator checkpoint (unofficial, EmoGen#17/#18)",
        "face": "video (the clip's source video, default) | still (the full reference frame)",
    }
    max_pad = 5

    def extra_required(self) -> dict[str, Path]:
        ckpt = self.config.options.get("checkpoint")
        if not ckpt:
            return {"set EATBENCH_EMOGEN_CHECKPOINT to the generator checkpoint (EmoGen#17/#18)": Path("<unset>")}
        path = Path(ckpt)
        return {"the EmoGen checkpoint": path if path.is_absolute() else (self.config.repo or Path()) / path}

    def map_emotion(self, emotion: str | None) -> str | None:
        return EMOGEN_CODES[emotion or "neutral"]

    def prepare(self, job: Job) -> list[str]:
        code = self.map_emotion(job.emotion)
        job.details.update(emotion_code=code)
        patch_wav2lip(job.workdir / "models" / "wav2lip.py")
        for d in ("results", "temp"):
            (job.workdir / d).mkdir(exist_ok=True)
        face_mode = self.config.options.get("face", "video")
        if face_mode not in ("video", "still"):
            raise EatbenchError(f"emogen.face: 'video' or 'still', got {face_mode!r}")
        if face_mode == "video" and job.inp.clip is not None:
            face = job.write_clip_video(job.source_frames, "face.mp4")
        else:
            face_mode = "still"
            face = job.write_image(job.use_reference_frame(), "face.png")
        job.details["face"] = face_mode
        ckpt = next(iter(self.extra_required().values()))
        return ["--checkpoint_path", str(ckpt), "--face", face, "--audio", job.write_audio(), "--emotion", code]

    def collect(self, job: Job) -> Path:
        out = job.workdir / "results" / f"{job.details['emotion_code']}.mp4"
        if not out.is_file():
            raise self._missing_output(job, f"results/{out.name}")
        return out

    @classmethod
    def normalize_raw(cls, video: Video, job: Job) -> np.ndarray:
        shape = None
        if job.source_frames is not None:
            h, w = job.source_frames.shape[1:3]
            shape = (h, w) if job.details.get("face") == "still" else (h - h % 2, w - w % 2)
        return to_fps(Video(cut_to_crop(video.frames, job.crop_box, shape), video.fps))
