"""``--from-folder DIR --layout L``: score videos a method produced elsewhere, matched to clips by name.

Naming rule (the first that exists wins; two files matching one clip is an error):

1. ``{clip_id}.{ext}``, our id: ``{actor}_{emotion}_{level}_{sentence}_{view}``,
   e.g. ``M003_angry_3_001_front.mp4``;
2. ``{actor}_{emo3}_{level}_{sentence}.{ext}``, the name used by EAT's evaluation scripts
   (evaluation_eat, EAT_code ``demo.py``), e.g. ``M030_fea_3_006.mp4``;

with ``ext`` one of ``mp4 mkv mov avi``. A clip without a file fails that clip ("no file"), like a
crash: it is listed, never silently skipped, and tried again by the next run (add the file and run
the same command). A file's content is part of its video's cache key: a replaced file is scored anew.

The frame geometry is declared, never guessed (``--layout``):

- ``raw``: the frames of the dataset's source video (same size; e.g. a method that pastes the face
  back into the original frame). The dataset's own crop is applied, exactly as preprocessing cuts the
  ground truth (25 fps, the clip's fixed crop box, 256×256), and the clip's length is kept;
- ``cropped``: already the benchmark crop, 256×256 (e.g. the output of a method given our reference
  crops). Only the frame rate is brought to 25 fps and the length fitted (±2 frames);
- ``upstream``: the raw output of a method whose adapter knows its repository's format (``makeittalk``,
  ``iplap``...), normalised by that adapter as if it had run here.

A file whose frames fit the declared layout's size is scored; otherwise its clip fails with both
sizes named. The clip's audio is always muxed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar, Literal

import numpy as np

from eatbench.clip import Clip
from eatbench.errors import EatbenchError, InputError
from eatbench.io import read_video
from eatbench.methods.base import CROP_SIZE, Method
from eatbench.methods.inputs import GenerationInput, ResolvedInput
from eatbench.methods.normalize import fit_length, to_fps, write_normalized

Layout = Literal["raw", "cropped", "upstream"]
LAYOUTS: tuple[str, ...] = ("raw", "cropped", "upstream")
LAYOUT_HELP = (
    "raw: the dataset's source frames (the dataset's crop is applied); cropped: already the benchmark's "
    "256x256 crop; upstream: the named method's own output format (its adapter normalises it)"
)
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


def known_layout(layout: str | None) -> Layout:
    """The declared ``--layout`` of ``--from-folder``, checked to be one of :data:`LAYOUTS`.

    Raises:
        EatbenchError: no layout, or an unknown one.
    """
    if layout not in LAYOUTS:
        from eatbench.registry import did_you_mean

        got = f" (got {layout!r}{did_you_mean(layout, list(LAYOUTS))})" if layout else ""
        raise EatbenchError(f"--from-folder needs --layout {', '.join(LAYOUTS)}{got}: {LAYOUT_HELP}")
    return layout  # type: ignore[return-value]


def check_layout(layout: str | None, adapter: type[Method] | None, name: str) -> Layout:
    """The declared layout (:func:`known_layout`), checked against what the named method supports.

    Raises:
        EatbenchError: no layout, an unknown one, or ``upstream`` for a method without an adapter.
    """
    layout = known_layout(layout)
    if layout == "upstream" and (adapter is None or not adapter.upstream_layout):
        raise EatbenchError(
            f"--layout upstream: {name!r} has no adapter that knows its output format; use raw or cropped"
        )
    return layout  # type: ignore[return-value]


class FolderMethod(Method):
    """Videos of method ``name`` read from a folder instead of generated.

    Args:
        name: the method's name (registered or not: a method that never runs here can be scored).
        folder: the folder of videos.
        layout: ``raw``, ``cropped`` or ``upstream`` (see the module docstring).
        adapter: the registered class of ``name``, when there is one (its emotions, variants, format).
        variant: the variant the videos are of (for a method that declares variants).
    """

    name = "from-folder"  # replaced by the method name given
    version = "ingest-2"
    kind: ClassVar[str] = "ingest"

    def __init__(
        self,
        name: str,
        folder: str | Path,
        layout: str | None,
        adapter: type[Method] | None = None,
        variant: str | None = None,
    ) -> None:
        self.name = name
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise EatbenchError(f"--from-folder {self.folder}: no such folder")
        self.adapter = adapter
        self.layout = check_layout(layout, adapter, name)
        self.emotions = adapter.emotions if adapter is not None else ()
        if adapter is not None and adapter.variants:
            self.variants, self.default_variant = adapter.variants, adapter.default_variant
            self.variant = adapter.canonical_variant(variant or adapter.default_variant or "")
        elif variant is not None:
            self.variant = variant
        self._details: dict[str, str] = {}

    def weights_hash(self) -> str:
        """The folder and layout: another folder of the same method is another series."""
        return hashlib.sha256(f"{self.folder.resolve()}|{self.layout}".encode()).hexdigest()[:16]

    def input_key(self, inp: GenerationInput) -> str:
        """The ingested file's content hash (``missing`` without one): a replaced file is a new video."""
        from eatbench.paths import sha256_file

        try:
            return sha256_file(find_video(self.folder, inp.clip)) if inp.clip is not None else ""
        except InputError:
            return "missing"

    def run_details(self) -> dict[str, str]:
        return {"ingested_from": str(self.folder), "layout": self.layout, **self._details}

    def generate(self, inp: ResolvedInput, emotion: str | None, seed: int, out_path: Path) -> Path:
        if inp.clip is None or inp.frames is None:
            raise InputError(f"--from-folder {self.folder}: ingesting needs dataset clips, not --image/--audio")
        # 1. The file, by the naming rule.
        raw_path = find_video(self.folder, inp.clip)
        self._details = {"ingested_file": str(raw_path)}
        video = read_video(raw_path)
        # 2. The declared geometry, checked, then brought to the benchmark crop at 25 fps.
        if self.layout == "upstream":
            assert self.adapter is not None
            frames = self.adapter.normalize_upstream(video, inp)
        else:
            frames = to_fps(video)
            size = frames.shape[1:3]
            source = inp.source_frames().shape[1:3]
            expected = tuple(source) if self.layout == "raw" else (CROP_SIZE, CROP_SIZE)
            if size != expected:
                raise InputError(_size_error(raw_path, size, tuple(source), self.layout))
            if self.layout == "raw":
                from eatbench.preprocess.crop import apply_crop

                # The dataset's crop, and its length rule: the clip keeps the frames its audio implies.
                frames = apply_crop(frames, inp.crop_box)[: inp.n_frames]
            else:
                frames = fit_length(frames, inp.n_frames)
        return write_normalized(out_path, np.ascontiguousarray(frames), inp.audio)


def _size_error(path: Path, size: tuple[int, ...], source: tuple[int, ...], layout: str) -> str:
    def wh(s: tuple[int, ...]) -> str:
        return f"{s[1]}x{s[0]}"

    fits = {"raw": source, "cropped": (CROP_SIZE, CROP_SIZE)}
    other = [name for name, s in fits.items() if s == size and name != layout]
    hint = f"; they fit --layout {other[0]}" if other else "; they fit neither layout: resize them to one"
    return (
        f"{path.name}: frames are {wh(size)}, --layout {layout} expects {wh(fits[layout])} "
        f"({'the source video' if layout == 'raw' else 'the benchmark crop'}; raw is {wh(source)}, cropped "
        f"{CROP_SIZE}x{CROP_SIZE}){hint}"
    )
