import os

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


def _naive_names() -> set:
    import naive

    return {n for n in vars(naive) if n.startswith("naive_")}


def pytest_collection_modifyitems(config, items):
    """Mark every test that calls a NumPy twin from tests/naive/ as ``kernels``.

    CI runs those with ``NUMBA_DISABLE_JIT=1`` to measure the kernels' coverage (``-m kernels``).
    """
    names = _naive_names()
    for item in items:
        fn = getattr(item, "function", None)
        code = getattr(fn, "__code__", None)
        if code is not None and names & set(code.co_names):
            item.add_marker(pytest.mark.kernels)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
