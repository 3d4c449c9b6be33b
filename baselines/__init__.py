"""Adapters for other talking-face methods: run their official repositories, or ingest their outputs.

Each adapter (MakeItTalk, StyleHEAT, IP-LAP, EAMM, EmoGen) keeps every quirk of its upstream
repository inside its module; :mod:`baselines.external` holds the shared machinery (configuration,
isolated working copies, seeded runs with a timeout and a log), :mod:`baselines.normalize` the
output normalisation, and :mod:`baselines.ingest` the ``--from-folder`` mode.
"""
