"""Numba kernels of mixmap: arrays in, arrays out; no I/O, no validation, no Python objects.

Every kernel has a pure-NumPy twin in ``tests/naive/`` and a test that they agree. Randomness
inside kernels comes from a counter-based generator (:mod:`mixmap.kernels.rng`) keyed by per-item
seeds drawn in Python, so results do not depend on the number of threads.
"""
