"""Synthetic spot tables of Al2O3 + MgO mixtures shared by the precursor tests."""

import numpy as np
import pandas as pd

# atoms per formula unit: Al2O3 -> Al 2, O 3 ; MgO -> Mg 1, O 1
AL2O3 = np.array([2.0, 0.0, 3.0])
MGO = np.array([0.0, 1.0, 1.0])


def mixture_atomic(x):
    """Atomic percent (Al, Mg, O) of x mol Al2O3 + (1 - x) mol MgO."""
    x = np.asarray(x, dtype=float)[:, None]
    n = x * AL2O3 + (1 - x) * MGO
    return 100 * n / n.sum(axis=1, keepdims=True)


def spots_frame(x, noise=0.0, rng=None, sample=None):
    at = mixture_atomic(x)
    if noise:
        at = np.clip(at + rng.normal(0, noise, at.shape), 0, None)
        at = 100 * at / at.sum(axis=1, keepdims=True)
    df = pd.DataFrame({"Al_at%": at[:, 0], "Mg_at%": at[:, 1], "O_at%": at[:, 2]})
    if sample is not None:
        df.insert(0, "sample", sample)
    return df


def write_autoemx_csv(path, rng, n=60, x_mean=0.5, x_sd=0.08):
    """A realistic AutoEMXSp Data.csv of an Al2O3 + MgO mixture (15 keV, spot mode).

    Includes failed spots (empty compositions, Quant_flag 2/3, comments), flags 0/-1/1,
    analytical errors with a few outliers, spectra stored as strings, coordinates, fit metrics.
    """
    x = np.clip(rng.normal(x_mean, x_sd, n), 0, 1)
    at = mixture_atomic(x)
    at = np.clip(at + rng.normal(0, 0.4, at.shape), 0, None)
    at = 100 * at / at.sum(axis=1, keepdims=True)
    wts = np.array([26.9815384, 24.305, 15.999])
    w = at * wts
    err = rng.normal(0, 1.5, n)
    err[[3, 17]] = [9.0, -12.0]  # outliers
    w = w / w.sum(axis=1, keepdims=True) * (100 + err[:, None])
    flags = np.zeros(n, dtype=int)
    flags[[5, 6, 7]] = -1
    flags[[11, 12]] = 1
    failed = [20, 41]
    rows = []
    for i in range(n):
        bad = i in failed
        spec = "[" + ", ".join(str(v) for v in rng.poisson(40, 8)) + ", ...]"
        row = {
            "Spectrum #": i,
            "Particle #": i // 3,
            "Frame ID": i // 20,
            "x": round(float(rng.uniform(-0.5, 0.5)), 4),
            "y": round(float(rng.uniform(-0.4, 0.4)), 4),
            "Spectrum": spec,
            "Background": spec,
            "Real_time": 11.8,
            "Live_time": 10.0,
        }
        for j, el in enumerate(("Al", "Mg", "O")):
            row[f"{el}_at%"] = "" if bad else round(float(at[i, j]), 3)
        for j, el in enumerate(("Al", "Mg", "O")):
            row[f"{el}_w%"] = "" if bad else round(float(w[i, j]), 3)
        row["An er w%"] = "" if bad else round(float(err[i]), 3)
        row["r_squared"] = "" if bad else 0.99
        row["redchi_sq"] = "" if bad else 1.1
        row["Quant_flag"] = 3 if bad else int(flags[i])
        row["Comments"] = "Spectrum could not be fitted" if bad else "min counts 1503"
        rows.append(row)
    pd.DataFrame(rows).to_csv(path, index=False)
    return x
