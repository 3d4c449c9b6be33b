"""Adapters for other talking-face methods: run their official repositories, or ingest their outputs.

Each adapter (MakeItTalk, StyleHEAT, IP-LAP, EAMM, EmoGen) keeps every quirk of its upstream
repository inside its module; :mod:`baselines.external` holds the shared machinery (configuration,
isolated working copies, seeded runs with a timeout and a log), :mod:`eatbench.methods.normalize` the
output normalisation, and :mod:`eatbench.methods.ingest` the ``--from-folder`` mode. Each adapter
registers through the ``eatbench.methods`` entry point group (pyproject.toml), as a third-party
method would.
"""
