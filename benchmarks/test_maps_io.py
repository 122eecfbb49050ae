"""Composite splitting speed: vectorised active-set NNLS (mixmap.maps.composite.unmix) vs scipy.optimize.nnls per pixel.

read_composite unmixes every pixel of an exported RGB composite. The peer is the obvious loop calling
scipy.optimize.nnls once per pixel; both give the same coefficients (checked here on the timed pixels).

Run: pytest benchmarks/test_maps_io.py --benchmark-enable -s
"""

import time

import numpy as np
from scipy.optimize import nnls

from mixmap.maps import overlay_mask, parse_colour, unmix


def _pixels(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 3))


def test_unmix_vs_scipy_nnls(benchmark):
    big = not benchmark.disabled
    n_fast, n_peer = (1024 * 1024, 20_000) if big else (4096, 500)
    colours = np.stack([parse_colour(c) for c in ("red", "green", "#0080ff")], axis=1)
    x = _pixels(n_fast)
    coef, _ = benchmark.pedantic(lambda: unmix(x, colours), rounds=5 if big else 1, warmup_rounds=1 if big else 0)

    t0 = time.perf_counter()
    peer = np.array([nnls(colours, p)[0] for p in x[:n_peer]])
    t_peer = (time.perf_counter() - t0) / n_peer
    np.testing.assert_allclose(coef[:n_peer], peer, atol=1e-9)

    t0 = time.perf_counter()
    unmix(x, colours)
    t_fast = (time.perf_counter() - t0) / n_fast
    if big:
        t_fast = benchmark.stats.stats.median / n_fast
    ratio = t_peer / t_fast
    benchmark.extra_info.update(peer_s_per_px=t_peer, unmix_s_per_px=t_fast, speedup=ratio)
    print(
        f"\nunmix 3 colours: {t_fast * 1e9:.0f} ns/pixel, scipy nnls loop {t_peer * 1e6:.1f} us/pixel, "
        f"speed-up {ratio:.0f}x ({n_fast} px -> {t_fast * n_fast:.2f} s)"
    )


def test_overlay_mask_time(benchmark):
    big = not benchmark.disabled
    shape = (1024, 1024) if big else (128, 128)
    rng = np.random.default_rng(1)
    img = np.zeros((*shape, 3), np.uint8)
    img[..., 0] = rng.integers(0, 256, shape)
    img[..., 1] = rng.integers(0, 256, shape) * (rng.random(shape) > 0.5)
    img[-20:-15, 10:200] = 255  # scale bar
    img[:40, -80:] = (30, 30, 30)  # legend box
    mask = benchmark.pedantic(lambda: overlay_mask(img), rounds=5 if big else 1, warmup_rounds=1 if big else 0)
    assert mask[-18, 50] and mask[5, -5]
