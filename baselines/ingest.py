"""``--from-folder DIR``: score videos a method produced elsewhere, matched to clips by name.

Naming rule (the first that exists wins; two files matching one clip is an error):

1. ``{clip_id}.{ext}``, our id: ``{actor}_{emotion}_{level}_{sentence}_{view}``,
   e.g. ``M003_angry_3_001_front.mp4``;
2. ``{actor}_{emo3}_{level}_{sentence}.{ext}``, the name used by EAT's evaluation scripts
   (evaluation_eat, EAT_code ``demo.py``), e.g. ``M030_fea_3_006.mp4``;

with ``ext`` one of ``mp4 mkv mov avi``. A clip without a file fails that clip ("no file"), like a
crash: it is listed, never silently skipped.

Normalisation: when the name is a known adapter (``makeittalk``, ``iplap``...), that adapter's own
normalisation runs on the file, as if the method had run here. Any other name gets the generic
rule: 25 fps; square frames are resized to 256×256; other frames are taken as full source frames
and cut with the clip's crop box. The clip's audio is always muxed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from baselines.normalize import cut_to_crop, fit_length, resize, to_fps, write_normalized
from eatbench.clip import Clip
from eatbench.errors import EatbenchError, InputError
from eatbench.io import Video, read_video
from eatbench.methods.base import METHODS, GenerationInput, Method

EXTENSIONS = ("mp4", "mkv", "mov", "avi")
EMO3 = {
    "angry": "ang",
    "contempt": "con",
    "disgusted": "dis",
    "fear": "fea",
    "happy": "hap",
    "neutral": "neu",
    "sad": "sad",
    "surprised": "sur",
}


def candidate_names(clip: Clip) -> list[str]:
    """The file stems a clip's video may have, in order of preference."""
    return [clip.clip_id, f"{clip.actor}_{EMO3.get(clip.emotion, clip.emotion[:3])}_{clip.level}_{clip.sentence}"]


def find_video(folder: Path, clip: Clip) -> Path:
    """The file in ``folder`` for ``clip`` by the naming rule.

    Raises:
        InputError: no file, or more than one, for the clip.
    """
    for stem in candidate_names(clip):
        hits = [folder / f"{stem}.{ext}" for ext in EXTENSIONS if (folder / f"{stem}.{ext}").is_file()]
        if len(hits) > 1:
            raise InputError(f"{folder}: several files for clip {clip.clip_id}: {', '.join(h.name for h in hits)}")
        if hits:
            return hits[0]
    names = " or ".join(f"{s}.{{{','.join(EXTENSIONS)}}}" for s in candidate_names(clip))
    raise InputError(f"{folder}: no file for clip {clip.clip_id} (looked for {names})")


class FolderMethod(Method):
    """Videos of method ``name`` read from a folder instead of generated."""

    name = "from-folder"  # replaced by the method name given
    version = "ingest-1"
    kind = "ingest"

    def __init__(self, name: str, folder: str | Path) -> None:
        self.name = name
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise EatbenchError(f"--from-folder {self.folder}: no such folder")
        self.adapter = METHODS.get(name) if name in METHODS else None
        self.emotions = getattr(self.adapter, "emotions", ())
        self._details: dict[str, str] = {}

    def weights_hash(self) -> str:
        return ""

    def run_details(self) -> dict[str, str]:
        return {"ingested_from": str(self.folder), **self._details}

    def generate(self, inp: GenerationInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        from eatbench.preprocess.prepare import prepare_clip

        if inp.clip is None:
            raise InputError(f"--from-folder {self.folder}: ingesting needs dataset clips, not --image/--audio")
        # 1. The file, by the naming rule.
        raw_path = find_video(self.folder, inp.clip)
        self._details = {"ingested_file": str(raw_path)}
        raw = read_video(raw_path)
        prepared = prepare_clip(inp.clip)
        job = self._job(inp, prepared, seed, emotion)
        # 2. Normalise with the adapter's rule, or the generic one.
        if self.adapter is not None and hasattr(self.adapter, "normalize_raw"):
            frames = self.adapter.normalize_raw(raw, job)
            max_pad = getattr(self.adapter, "max_pad", 0)
        else:
            frames, max_pad = generic_normalize(raw, job.crop_box, job.source_frames.shape[1:3]), 0
        # 3. Length and the clip's audio.
        frames = fit_length(frames, job.n_frames, max_pad=max_pad)
        return write_normalized(out_path, frames, prepared.audio)

    def _job(self, inp: GenerationInput, prepared, seed: int, emotion: str | None):
        from baselines.external import Job
        from eatbench.io import frames_for_audio, resample_fps

        source = read_video(inp.clip.video)
        job = Job(
            workdir=self.folder,
            log=self.folder / "ingest.log",
            seed=seed,
            emotion=emotion,
            inp=inp,
            audio=prepared.audio,
            reference=prepared.reference,
            n_frames=frames_for_audio(prepared.audio),
            crop_box=np.asarray(prepared.crop_box, np.float32),
            source_frames=resample_fps(source.frames, source.fps, 25.0),
            reference_index=int(prepared.reference_index),
        )
        job.details["face"] = "video"
        return job


def generic_normalize(video: Video, crop_box: np.ndarray, source_shape: tuple[int, int]) -> np.ndarray:
    """25 fps; square frames resized to 256; other frames cut with the clip's crop box."""
    h, w = video.frames.shape[1:3]
    frames = to_fps(video)
    if h == w:
        return resize(frames)
    return cut_to_crop(frames, crop_box, source_shape)
