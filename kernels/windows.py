"""Energy-window sums of a block of a spectrum image (y, x, E): every window in one pass.

Used by :func:`mixmap.element_maps`: Dask calls :func:`window_sums` once per chunk of the cube with
the integration windows and the background windows of all lines, so each chunk is read once.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def window_sums(block, starts, stops):
    """Sum ``block[i, j, starts[w]:stops[w]]`` for every pixel (i, j) and window w.

    Parameters
    ----------
    block : ndarray, shape (ny, nx, ne), any real dtype, C-contiguous along E
    starts, stops : int64 arrays, shape (nw,)
        Channel bounds relative to the block, half-open ``[start, stop)``; bounds outside
        ``[0, ne]`` are clipped and an empty window sums to 0.

    Returns
    -------
    float64 array, shape (ny, nx, nw)
    """
    ny, nx, ne = block.shape
    nw = starts.shape[0]
    lo = np.empty(nw, dtype=np.int64)
    hi = np.empty(nw, dtype=np.int64)
    for w in range(nw):
        lo[w] = min(max(starts[w], 0), ne)
        hi[w] = min(max(stops[w], lo[w]), ne)
    out = np.zeros((ny, nx, nw), dtype=np.float64)
    for i in range(ny):
        for j in range(nx):
            for w in range(nw):
                acc = 0.0
                for c in range(lo[w], hi[w]):
                    acc += block[i, j, c]
                out[i, j, w] = acc
    return out
