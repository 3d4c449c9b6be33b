"""eatbench: a benchmark for audio-driven, emotion-controllable talking-face generation."""

__version__ = "0.1.0"
