"""Seed handling shared by every random function (``seed=`` int, Generator, SeedSequence or None)."""

from __future__ import annotations

import numpy as np

from .errors import InputError


def seed_sequence(seed) -> np.random.SeedSequence:
    """Turn ``seed`` into a :class:`numpy.random.SeedSequence`.

    ``None`` draws fresh entropy; an int or SeedSequence is used as is; a Generator contributes a
    draw from its stream (so passing the same Generator twice gives different, reproducible seeds).
    """
    if seed is None or isinstance(seed, (int, np.integer)):
        if seed is not None and int(seed) < 0:
            raise InputError(f"seed must be a non-negative integer, got {seed}")
        return np.random.SeedSequence(None if seed is None else int(seed))
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    raise InputError(f"seed must be an int, a numpy Generator, a SeedSequence or None, got {type(seed).__name__}")


def generator(seed) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from ``seed`` (see :func:`seed_sequence`)."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed_sequence(seed))


def spawn(seed, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child seeds; item ``i`` always gets child ``i`` whatever the scheduling."""
    return seed_sequence(seed).spawn(int(n))


def kernel_keys(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` uint64 keys for the counter-based generator used inside Numba kernels."""
    return rng.integers(0, np.iinfo(np.int64).max, size=int(n), dtype=np.int64).astype(np.uint64)
