"""The ablation variants of Table IV as configurations of the same code.

Each variant says which emotion path the model has and, therefore, which training stages it runs.
They are saved with the pipeline (``model_index.json`` → ``ablation``) and loaded like the full model.

- ``full``: EVE (A_v, A_e, Eq. 7) → c_e → Emotion ControlNet (Sec. III-D).
- ``w/o-EVE``: "the EVE is removed and the encoded emotion-text is fed to ControlNet directly"
  (Sec. IV-E): c_e is built from the CLIP text embedding E_CT(e) itself, no adapters.
- ``w/o-FEC``: "the FEC is removed and the encoded emotion-text is concatenated with audio signal as
  the hidden state condition": no ControlNet; E_CT(e) becomes one extra cross-attention token next to
  the three audio tokens c_a.
- ``w/o-Emo``: "no emotional condition is used": the TFR alone.

Example:
    >>> get_ablation("W/O-eve").controlnet
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from eatface.errors import EATFaceError, did_you_mean


@dataclass(frozen=True)
class Ablation:
    """What one variant contains."""

    name: str
    controlnet: bool  # an Emotion ControlNet fed c_e
    eve: bool  # c_e comes from the EVE adapters (else from the raw CLIP text embedding)
    text_token: bool  # E_CT(e) joins c_a as an extra cross-attention token (w/o-FEC)
    stages: tuple[str, ...]  # training stages after the VAE, in the paper's order

    @property
    def uses_emotion(self) -> bool:
        return self.controlnet or self.text_token

    @property
    def uses_clip(self) -> bool:
        return self.uses_emotion


ABLATIONS: dict[str, Ablation] = {
    a.name: a
    for a in (
        Ablation("full", controlnet=True, eve=True, text_token=False, stages=("tfr", "eve", "controlnet", "finetune")),
        Ablation("w/o-EVE", controlnet=True, eve=False, text_token=False, stages=("tfr", "controlnet", "finetune")),
        # The emotion token is learned with the UNet in the TFR stage: with no ControlNet there is nothing
        # else to train (the paper does not say how w/o-FEC was trained).
        Ablation("w/o-FEC", controlnet=False, eve=False, text_token=True, stages=("tfr",)),
        Ablation("w/o-Emo", controlnet=False, eve=False, text_token=False, stages=("tfr",)),
    )
}


def get_ablation(name: str) -> Ablation:
    """Look a variant up by name (case-insensitive; ``wo-eve`` and ``w/o_eve`` spellings accepted)."""
    key = name.lower().replace("_", "-").replace("wo-", "w/o-")
    for a in ABLATIONS.values():
        if a.name.lower() == key:
            return a
    raise EATFaceError(f"--variant {name!r}: unknown variant{did_you_mean(name, tuple(ABLATIONS))}")
