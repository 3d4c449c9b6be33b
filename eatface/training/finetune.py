"""Stage ``finetune``: the UNet unfrozen and fine-tuned through the Emotion ControlNet (Eq. 11).

See :mod:`eatface.training.controlnet`; this entry only selects the trainable set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eatface.configuration import EATFaceConfig
from eatface.data import TrainingCorpus
from eatface.training.controlnet import train_emotion_controlnet
from eatface.training.loop import StageResult


def train_finetune(config: EATFaceConfig, corpus: TrainingCorpus, out_dir: str | Path, **kwargs: Any) -> StageResult:
    """Stage ``finetune``: UNet + φ_θ trainable, F_a / EVE / towers frozen."""
    return train_emotion_controlnet("finetune", config, corpus, out_dir, **kwargs)
