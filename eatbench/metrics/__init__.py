"""The metric registry. Importing :mod:`eatbench.metrics.registry` registers every metric."""
