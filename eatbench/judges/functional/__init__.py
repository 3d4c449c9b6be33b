"""The math the judges run on: pure functions with no state, no I/O and no registry.

It lives below both the judges' trainers and the metrics, so a trainer measures its judge through the
very functions the metric calls, and nothing in ``eatbench.judges`` imports ``eatbench.metrics``:

- :mod:`~eatbench.judges.functional.mfcc`: the SyncNet audio input (``python_speech_features.mfcc``);
- :mod:`~eatbench.judges.functional.lse`: the syncnet_python ``evaluate`` algorithm (LSE-D, LSE-C, offset);
- :mod:`~eatbench.judges.functional.similarity`: the cosine of identity embeddings (insightface ``compute_sim``).

The ArcFace face alignment (``norm_crop`` of the five points) is in :mod:`eatbench.judges.arcface`.
"""
