"""Dataset adapters. Importing :mod:`eatbench.datasets.registry` registers every adapter."""
