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


def balanced_subset(clips: list[Clip], n: int | None) -> list[Clip]:
    """The first ``n`` clips of an order that spreads them evenly over emotions and actors.

    ``--limit N`` takes this subset, so a short run still covers every emotion (Table II) and every
    identity. Clips are dealt round-robin over the emotions (in :data:`EMOTIONS` order, others after);
    within an emotion, round-robin over the actors, starting one actor later for each emotion, so on
    a full grid the first ``len(actors)`` clips are one per actor and one per emotion. Within one
    (emotion, actor) the documented clip order holds. Pure and deterministic: the same clips, in any
    order, give the same subset, and a larger ``n`` extends a smaller one.

    >>> c = [Clip(a, e, 1, s, "front", "test", Path(f"{a}{e}{s}.mp4"))
    ...      for a in ("A", "B") for e in ("angry", "happy") for s in ("001", "002")]
    >>> [(x.actor, x.emotion) for x in balanced_subset(c, 4)]
    [('A', 'angry'), ('B', 'happy'), ('B', 'angry'), ('A', 'happy')]
    """
    clips = sorted(clips)
    if n is None or n >= len(clips):
        n = len(clips)
    rank = {e: i for i, e in enumerate(EMOTIONS)}
    emotions = sorted({c.emotion for c in clips}, key=lambda e: (rank.get(e, len(rank)), e))
    actors = sorted({c.actor for c in clips})
    queues: list[list[Clip]] = []
    for k, emotion in enumerate(emotions):
        start = k % len(actors)
        by_actor = [
            [c for c in clips if c.emotion == emotion and c.actor == a] for a in actors[start:] + actors[:start]
        ]
        depth = max(len(q) for q in by_actor)
        queues.append([q[i] for i in range(depth) for q in by_actor if i < len(q)])
    depth = max((len(q) for q in queues), default=0)
    order = [q[i] for i in range(depth) for q in queues if i < len(q)]
    return order[:n]


NEUTRAL = "neutral"


def identity_clips(clips: list[Clip]) -> dict[str, Clip]:
    """The identity clip of each clip: whose reference frame a method gets as the face to animate (x_r).

    Emotion-control protocol: the emotion of a generated video must come from the method's emotion
    input, not from the face it is given, so every clip is generated from the reference frame of its
    actor's first neutral clip (documented order) among ``clips`` — the clips of the split being run,
    so the face is one the split holds. An actor with no neutral clip keeps its own clip. EAT-Face's
    emotion stages train the same way (a neutral reference of the same actor, Sec. III-D).

    >>> a = Clip("A", "angry", 3, "004", "front", "test", Path("a.mp4"))
    >>> n = Clip("A", "neutral", 1, "008", "front", "test", Path("n.mp4"))
    >>> b = Clip("B", "happy", 3, "004", "front", "test", Path("b.mp4"))
    >>> {k: v.clip_id for k, v in identity_clips([a, n, b]).items()}
    {'A_angry_3_004_front': 'A_neutral_1_008_front', 'A_neutral_1_008_front': 'A_neutral_1_008_front', 'B_happy_3_004_front': 'B_happy_3_004_front'}
    """
    first_neutral: dict[str, Clip] = {}
    for c in sorted(clips):
        if c.emotion == NEUTRAL:
            first_neutral.setdefault(c.actor, c)
    return {c.clip_id: first_neutral.get(c.actor, c) for c in clips}
