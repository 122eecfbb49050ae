"""``mixmap demo``: the main job on built-in synthetic data, end to end.

Three sets of synthetic hetero-aggregates with known 3-D mixing state - materials assigned at random,
half-way to segregated, and segregated with a spread of compositions like the paper's KB case - are
analysed as a microscopist would:
intra-aggregate mixing of every aggregate (Eqs. 1-6), the per-set summary with the ψ measures
(Eqs. 2, 10-13), the correlation function R(h) with its fit (Eqs. 7-9, 14), and the figures of the
paper (Figs. 3, 5a, 6, 7). Tables and PNG figures go to ``out``. Concern: the demo workflow only;
every number comes from the public API.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import mixmap

from . import synthetic
from ._random import spawn
from .batch import correlation_summary

# Primary particles: A 35 nm, B 30 nm (log-normal, cv 0.25); 2 nm pixels.
D_A, D_B, CV_A, CV_B = 35.0, 30.0, 0.25, 0.25
PIXEL_SIZE = 2.0  # nm
N_PARTICLES = 25  # particles per cutout, as in the paper (Section 3.2)


def run_demo(out="mixmap-demo", *, n_per_set: int = 10, seed: int = 0, progress: bool = True, echo=print) -> dict:
    """Run the demo and write its tables and figures to ``out``.

    Parameters
    ----------
    out : path-like
        Output folder (created).
    n_per_set : int
        Aggregates per set.
    seed : int
        Seed of everything random (aggregates, cutouts, bootstrap).
    progress : bool
        Progress bar on stderr.
    echo : callable
        Where the summary lines go.

    Returns
    -------
    dict
        ``table`` (per aggregate), ``summary`` (per set), ``files`` (written paths).
    """
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    kw = dict(d_a=D_A, d_b=D_B, cv_a=CV_A, cv_b=CV_B, pixel_size=PIXEL_SIZE, n_primary=(150, 300))
    seeds = spawn(seed, 3)
    sets = {
        "random": synthetic.aggregates(n_per_set, mixing="random", seed=seeds[0], **kw),
        "partly segregated": synthetic.aggregates(n_per_set, mixing=0.5, seed=seeds[1], **kw),
        "segregated": synthetic.aggregates(n_per_set, mixing="segregated", seed=seeds[2], **kw),
    }
    items, groups = [], []
    for name, aggs in sets.items():
        items += [(g.a, g.b) for g in aggs]
        groups += [name] * len(aggs)
    particles = mixmap.Particles(D_A, D_B, CV_A, CV_B, PIXEL_SIZE)
    table = mixmap.analyze(
        items,
        n_particles=N_PARTICLES,
        particles=particles,
        groups=groups,
        correlation={"h_max": 60},
        seed=seed,
        progress=progress,
    )
    summary = mixmap.inter_mixing(table, by="group", seed=seed).reindex(list(sets))
    corr = correlation_summary(table.attrs["correlation"], by="group")

    files = []
    table_path = out / "results.csv"
    table.drop(
        columns=[
            c
            for c in table.columns
            if table[c].dtype == object and c not in ("id", "source", "group", "status", "error")
        ]
    ).to_csv(table_path, index=False)
    summary_path = out / "summary.csv"
    summary.to_csv(summary_path)
    files += [table_path, summary_path]

    # Fig. 3: variance vs particles per cutout for the first aggregate of each set
    curves = {}
    for name, aggs in sets.items():
        g = aggs[0]
        row = table[(table["group"] == name) & (table["status"] == "ok")].iloc[0]
        n_max = int(min(60, row["n_foreground"] // (2 * particles.mean_area_px(row["P"]))))  # half the aggregate
        curves[f"{name} #0"] = mixmap.variance_curve(
            g.a, g.b, n_particles=range(1, n_max + 1), particles=particles, n_samples=120, seed=seed
        )
    curve_path = out / "variance_curve.csv"
    pd.concat([df.assign(aggregate=k) for k, df in curves.items()]).to_csv(curve_path, index=False)
    files.append(curve_path)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        figs = {}
        echo("figures skipped: matplotlib is not installed (pip install 'mixmap[plot]')")
    else:
        figs = _figures(mixmap.plot, table, curves, corr, sets, particles, seed)
    for fname, make in figs.items():
        path = out / fname
        fig = make(path)
        _close(fig)
        files.append(path)

    echo(f"mixmap demo: {len(items)} synthetic aggregates in {len(sets)} sets, N = {N_PARTICLES} particles per cutout")
    cols = [
        c for c in ("n", "P_mean", "s2_inter", "M_mean", "s2_M", "psi_P", "psi_M", "psi_comb") if c in summary.columns
    ]
    echo(summary[cols].to_string(float_format=lambda v: f"{v:.3f}"))
    echo("psi_comb (Eq. 13): 1 is a perfectly and reproducibly mixed set.")
    over = summary.index[summary["M_mean"] > 1].tolist()
    if over:
        echo(
            f"Note: mean Schmahl index > 1 for {', '.join(map(str, over))}: in a 2-D projection, overlap "
            f"pixels [1,1] and hidden particles make cutouts vary less than the random-mixing bound of "
            f"Eq. 5, so Eq. 11 (psi_M) and psi_comb are undefined (NaN) there - reported, not clipped."
        )
    echo(f"wrote {len(files)} files to {out.resolve()}/ in {time.perf_counter() - t0:.1f} s:")
    for f in files:
        echo(f"  {f.name}")
    return {"table": table, "summary": summary, "files": files}


def _figures(P, table, curves, corr, sets, particles, seed):
    """The demo's figures: {file name: function(path) -> Figure}."""
    return {
        "fig3_variance_curve.png": lambda p: P.variance_curve(curves, path=p, title="Variance vs cutout size (Fig. 3)"),
        "fig5a_schmahl_histogram.png": lambda p: P.schmahl_histogram(table, path=p),
        "fig6_schmahl_heatmap.png": lambda p: P.schmahl_heatmap(table, path=p),
        "fig7_correlation.png": lambda p: P.correlation(
            corr.means, fits=corr.fits, path=p, title="Mean correlation function (Fig. 7)"
        ),
        "example_cutouts.png": lambda p: _examples(sets, particles, seed, p),
    }


def _examples(sets, particles, seed, path):
    import matplotlib.pyplot as plt  # optional dependency (mixmap[plot]); Agg is set by mixmap.plot

    fig, axes = plt.subplots(1, len(sets), figsize=(4.5 * len(sets), 4.8))
    for ax, (name, aggs) in zip(axes, sets.items(), strict=True):
        g = aggs[0]
        r = mixmap.intra_mixing(g.a, g.b, n_particles=N_PARTICLES, particles=particles, seed=seed)
        mixmap.plot.cutouts(g.a, g.b, r, ax=ax, max_boxes=12, title=f"{name}: P={r.P:.2f}, $M_{{AS}}$={r.schmahl:.2f}")
    fig.suptitle("First aggregate of each set with 12 of its cutouts (A green, B magenta, overlap white)", fontsize=9)
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return fig


def _close(fig):
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - closing is best effort
        pass
