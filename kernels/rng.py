"""Counter-based random numbers for kernels (SplitMix64).

``uniform_u64(key, i)`` is the i-th 64-bit draw of the stream ``key``: a pure function, so the same
keys give the same numbers whatever the thread count or the order in which items run.
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def splitmix64(key, i):
    """The ``i``-th output (uint64) of SplitMix64 seeded with ``key``."""
    z = key + (np.uint64(i) + np.uint64(1)) * _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def randbelow(key, i, n):
    """An integer in [0, n) from draw ``i`` of stream ``key`` (modulo reduction, n << 2**64)."""
    return np.int64(splitmix64(key, i) % np.uint64(n))


@njit(cache=True, inline="always")
def uniform(key, i):
    """A float in [0, 1) from draw ``i`` of stream ``key`` (53 random bits)."""
    return np.float64(splitmix64(key, i) >> np.uint64(11)) * (1.0 / 9007199254740992.0)
