"""Talking-face methods behind one interface (EAT-Face and its variants, baselines, references)."""
