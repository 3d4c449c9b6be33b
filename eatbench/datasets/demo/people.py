"""Who the demo faces are and what they do: identities, emotional expressions, mouth shapes, head pose.

Plain parameters, no drawing: :mod:`eatbench.datasets.demo.face` draws a face from them and
:mod:`eatbench.datasets.demo.motion` animates them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Identity:
    """How one demo actor looks. Colours are RGB 0-255; sizes are in canonical pixels."""

    actor: str
    male: bool
    face_w: float  # half width of the face at the cheekbones
    face_h: float  # half height, brow-line to chin is about 1.2 * face_h
    jaw: float  # 0 = pointed chin, 1 = square jaw
    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    hair_style: str  # "short", "crop", "bob", "long", "bun"
    iris: tuple[int, int, int]
    lips: tuple[int, int, int]
    eye_gap: float  # half distance between the eye centres
    eye_size: float  # half width of an eye opening
    brow_thick: float
    nose_w: float
    mouth_w: float  # half width of the mouth at rest
    background: tuple[tuple[int, int, int], tuple[int, int, int]]  # top and bottom colours
    shirt: tuple[int, int, int]
    beard: bool = False
    voice: str = "en-us"
    pitch_offset: int = 0


# The eight demo actors: MEAD test ids (M003, M030, W009, W015) and four training ids, half men half women.
IDENTITIES: dict[str, Identity] = {
    i.actor: i
    for i in (
        Identity("M003", True, 60, 78, 0.85, (224, 182, 150), (40, 28, 20), "short", (70, 45, 25), (176, 100, 90),
                 25, 12.5, 4.2, 12, 22, ((70, 90, 120), (30, 40, 60)), (40, 60, 110), voice="en-us+m3"),
        Identity("M030", True, 64, 74, 1.0, (150, 100, 70), (20, 16, 14), "crop", (45, 28, 18), (120, 65, 60),
                 26, 12.0, 4.8, 14, 23, ((160, 150, 130), (90, 80, 70)), (120, 30, 30), beard=True,
                 voice="en-us+m1", pitch_offset=-8),
        Identity("W009", False, 56, 76, 0.3, (240, 200, 175), (200, 150, 80), "long", (60, 110, 160), (200, 90, 100),
                 24, 13.0, 3.2, 11, 21, ((130, 160, 140), (60, 90, 80)), (150, 60, 130), voice="en-us+f2"),
        Identity("W015", False, 58, 77, 0.4, (110, 72, 52), (15, 12, 12), "bun", (40, 25, 15), (110, 55, 60),
                 25, 12.5, 3.4, 13, 22, ((200, 190, 170), (140, 120, 100)), (230, 170, 40), voice="en-us+f4",
                 pitch_offset=-4),
        Identity("M005", True, 62, 80, 0.7, (205, 160, 120), (110, 70, 35), "short", (80, 120, 60), (170, 95, 80),
                 24, 12.0, 4.5, 12.5, 23, ((60, 60, 70), (20, 20, 25)), (200, 200, 210), voice="en-us+m7",
                 pitch_offset=6),
        Identity("W011", False, 57, 74, 0.35, (190, 140, 105), (90, 40, 25), "bob", (55, 35, 20), (180, 70, 70),
                 24, 13.5, 3.0, 11.5, 21, ((90, 60, 100), (40, 25, 50)), (30, 120, 100), voice="en-us+f3"),
        Identity("M007", True, 63, 76, 0.9, (180, 130, 95), (120, 120, 120), "crop", (90, 90, 100), (150, 85, 75),
                 26, 11.5, 5.0, 13.5, 22, ((120, 140, 170), (60, 80, 110)), (60, 60, 60), beard=True,
                 voice="en-us+m2", pitch_offset=-12),
        Identity("W014", False, 55, 79, 0.25, (232, 190, 160), (150, 60, 20), "long", (70, 130, 90), (210, 100, 110),
                 23, 13.0, 3.2, 10.5, 20, ((180, 200, 220), (110, 130, 160)), (60, 50, 130), voice="en-us+f5",
                 pitch_offset=4),
    )
}  # fmt: skip


def identity_for(actor: str) -> Identity:
    """The identity of a demo actor: a fixed one for the eight defaults, else one derived from the id."""
    if actor in IDENTITIES:
        return IDENTITIES[actor]
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(actor.encode()).digest()[:8], "little"))
    base = list(IDENTITIES.values())[int(rng.integers(len(IDENTITIES)))]
    male = actor[:1].upper() != "W"
    same_sex = [i for i in IDENTITIES.values() if i.male == male]
    donor = same_sex[int(rng.integers(len(same_sex)))]
    return replace(
        base,
        actor=actor,
        male=male,
        hair_style=donor.hair_style,
        voice=donor.voice,
        beard=donor.beard,
        face_w=float(base.face_w + rng.uniform(-3, 3)),
        face_h=float(base.face_h + rng.uniform(-3, 3)),
        skin=tuple(int(np.clip(c + rng.uniform(-20, 20), 60, 250)) for c in base.skin),
        hair=tuple(int(rng.integers(10, 200)) for _ in range(3)),
        background=tuple(tuple(int(rng.integers(20, 230)) for _ in range(3)) for _ in range(2)),
        pitch_offset=int(rng.integers(-10, 10)),
    )


@dataclass(frozen=True)
class Expression:
    """Facial action parameters of one emotion (roughly FACS action units), all about 0-1."""

    brow_raise: float = 0.0  # AU1+2: both brows up (negative: lowered, AU4)
    brow_inner: float = 0.0  # inner ends up (+, sadness/fear AU1) or down (-, anger AU4)
    eye_open: float = 1.0  # lid aperture factor (wide > 1, squint < 1)
    lower_lid: float = 0.0  # lower lid raised (AU6/7: smiles, anger, disgust)
    smile: float = 0.0  # mouth corners up (+, AU12) or down (-, AU15)
    smirk: float = 0.0  # one-sided corner raise (contempt, AU14 unilateral)
    mouth_width: float = 1.0  # lip stretch factor (AU20 fear)
    jaw: float = 0.0  # baseline jaw drop (AU26, surprise)
    round: float = 0.0  # baseline lip rounding (the "O" of surprise)
    upper_lip: float = 0.0  # upper lip raise (AU10, disgust)
    teeth: float = 0.0  # how much of the teeth shows when the lips part
    press: float = 0.0  # lips pressed (AU24, anger): thinner lips, smaller openings
    nose_wrinkle: float = 0.0  # AU9 (disgust)
    cheek: float = 0.0  # cheek raise / blush (happiness)
    head_tilt: float = 0.0  # degrees, constant roll of the head
    head_down: float = 0.0  # pixels the head drops (sadness) or lifts (negative)


EXPRESSIONS: dict[str, Expression] = {
    "angry": Expression(brow_raise=-0.6, brow_inner=-1.0, eye_open=0.75, lower_lid=0.5, smile=-0.35,
                        mouth_width=0.92, press=0.8, nose_wrinkle=0.3, head_down=2),
    "contempt": Expression(brow_raise=0.1, eye_open=0.8, lower_lid=0.3, smirk=1.0, mouth_width=0.95,
                           head_tilt=5.0, head_down=-3),
    "disgusted": Expression(brow_raise=-0.4, brow_inner=-0.4, eye_open=0.6, lower_lid=0.7, smile=-0.6,
                            upper_lip=1.0, teeth=0.6, nose_wrinkle=1.0, mouth_width=0.9, head_tilt=-3.0),
    "fear": Expression(brow_raise=0.8, brow_inner=0.9, eye_open=1.45, smile=-0.3, mouth_width=1.3, jaw=0.45,
                       teeth=1.0, head_down=-1),
    "happy": Expression(brow_raise=0.15, eye_open=0.85, lower_lid=0.6, smile=1.0, mouth_width=1.18, teeth=1.0,
                        cheek=1.0),
    "neutral": Expression(),
    "sad": Expression(brow_raise=-0.1, brow_inner=1.0, eye_open=0.7, smile=-1.0, mouth_width=0.9, head_down=5),
    "surprised": Expression(brow_raise=1.0, brow_inner=0.2, eye_open=1.55, jaw=0.8, round=0.6, mouth_width=0.9,
                            teeth=0.3, head_down=-2),
}  # fmt: skip


@dataclass(frozen=True)
class Mouth:
    """A viseme: lip opening (0 closed - 1 wide open), width factor and rounding (0-1)."""

    open: float = 0.0
    width: float = 1.0
    round: float = 0.0


@dataclass(frozen=True)
class Pose:
    """Head pose: translation (px), roll (degrees), scale, and yaw (-1..1, a small turn)."""

    dx: float = 0.0
    dy: float = 0.0
    roll: float = 0.0
    scale: float = 1.0
    yaw: float = 0.0
