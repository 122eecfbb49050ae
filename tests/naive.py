"""Obvious, slow, pure-NumPy twins of every mixmap kernel.

Tests compare each Numba kernel with its twin here; benchmarks time both in the same run. Each
section below belongs to one module of kernels/; sections are appended, never interleaved.
"""

import numpy as np
