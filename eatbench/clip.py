"""The Clip record: one talking-face clip of a dataset, the unit every stage works on."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

# The eight MEAD emotions, in MEAD's alphabetical order (the order every table uses).
EMOTIONS: tuple[str, ...] = (
    "angry",
    "contempt",
    "disgusted",
    "fear",
    "happy",
    "neutral",
    "sad",
    "surprised",
)


def emotion_text(emotion: str) -> str:
    """The paper's emotion prompt: ``"<emotion> emotion"`` (Sec. IV-A)."""
    return f"{emotion} emotion"


@dataclass(frozen=True, order=True)
class Clip:
    """One clip. Sorting Clips gives the documented dataset order (actor, emotion, level, sentence)."""

    actor: str
    emotion: str
    level: int
    sentence: str
    view: str
    split: str
    video: Path
    audio: Path | None = None
    dataset: str = "mead"

    @property
    def clip_id(self) -> str:
        """A stable, filesystem-safe id: ``{actor}_{emotion}_{level}_{sentence}_{view}``."""
        return f"{self.actor}_{self.emotion}_{self.level}_{self.sentence}_{self.view}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["video"] = str(self.video)
        d["audio"] = None if self.audio is None else str(self.audio)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Clip:
        d = dict(d)
        d["video"] = Path(d["video"])
        d["audio"] = None if d.get("audio") is None else Path(d["audio"])
        return cls(**d)
