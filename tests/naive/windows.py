"""NumPy twins of kernels/windows.py: spectral window sums and element maps."""

import numpy as np


def naive_window_sums(block, starts, stops):
    """Slice-and-sum every window of every spectrum (same clipping as kernels.windows)."""
    block = np.asarray(block)
    ne = block.shape[2]
    out = np.zeros(block.shape[:2] + (len(starts),), dtype=np.float64)
    for w, (a, b) in enumerate(zip(starts, stops, strict=False)):
        a = min(max(int(a), 0), ne)
        b = min(max(int(b), a), ne)
        out[:, :, w] = block[:, :, a:b].astype(np.float64).sum(axis=2)
    return out


def naive_element_map(cube, energy, line_keV, fwhm_keV, width=2.0, background=None, offsets=(2.0, 2.0), bg_width=1.0):
    """Element map of one line by masking channels on the energy axis (no merging of windows).

    Channel k belongs to [lo, hi) when round_half_down((lo - e0)/de) <= k < round_half_down(...).
    """
    cube = np.asarray(cube, dtype=np.float64)
    e0, de = energy[0], energy[1] - energy[0]

    def ch(v):
        x = (v - e0) / de
        return int(np.ceil(x - 0.5)) if x >= 0 else int(np.floor(x + 0.5))

    k = np.arange(cube.shape[2])
    lo, hi = line_keV - width * fwhm_keV / 2, line_keV + width * fwhm_keV / 2
    m = (k >= ch(lo)) & (k < ch(hi))
    out = cube[:, :, m].sum(axis=2)
    if background == "windows":
        l0, l1 = line_keV - fwhm_keV * (offsets[0] + bg_width), line_keV - fwhm_keV * offsets[0]
        r0, r1 = line_keV + fwhm_keV * offsets[1], line_keV + fwhm_keV * (offsets[1] + bg_width)
        ml = (k >= ch(l0)) & (k < max(ch(l1), ch(l0) + 1))
        mr = (k >= ch(r0)) & (k < max(ch(r1), ch(r0) + 1))
        bg = (cube[:, :, ml].sum(axis=2) + cube[:, :, mr].sum(axis=2)) / (ml.sum() + mr.sum())
        out = out - bg * m.sum()
    return out
