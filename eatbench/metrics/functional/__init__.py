"""Pure metric math: numpy/torch functions with no state, no I/O and no registry.

Each metric class in ``eatbench/metrics/`` keeps its mergeable state and calls the function of the same
name here, so the math can be tested against the reference implementation on identical arrays.
"""
