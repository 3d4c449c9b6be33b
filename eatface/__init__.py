"""EAT-Face: emotion-controllable audio-driven talking faces (Wang et al.), on diffusers.

The model library: the TFR UNet with its audio/mask/identity conditions, the EVE adapters and the
Emotion ControlNet, the sampling pipeline, the presets, the ablation variants and the training
stages. It knows nothing about the benchmark.

Example:
    >>> from eatface import EATFacePipeline, build_pipeline, get_preset
    >>> pipe = build_pipeline(get_preset("tiny"))
    >>> type(pipe).__name__
    'EATFacePipeline'
"""

from eatface.audio import AudioProjector, audio_windows, wav2vec_features
from eatface.build import build_pipeline
from eatface.configuration import EATFaceConfig, StageConfig, get_preset
from eatface.errors import EATFaceError
from eatface.eve import EmotionVisualEmbedding, contrastive_loss
from eatface.interpolation import FrameInterpolator, smooth_frames
from eatface.pipeline_eatface import EATFacePipeline, EATFacePipelineOutput
from eatface.variants import ABLATIONS, Ablation, get_ablation

__all__ = [
    "ABLATIONS",
    "Ablation",
    "AudioProjector",
    "EATFaceConfig",
    "EATFaceError",
    "EATFacePipeline",
    "EATFacePipelineOutput",
    "EmotionVisualEmbedding",
    "FrameInterpolator",
    "StageConfig",
    "audio_windows",
    "build_pipeline",
    "contrastive_loss",
    "get_ablation",
    "get_preset",
    "smooth_frames",
    "wav2vec_features",
]
