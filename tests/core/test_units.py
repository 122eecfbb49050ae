"""The one units table, and ``python -m mixmap``."""

import subprocess
import sys

import pytest

from mixmap import InputError
from mixmap._units import length_factor, time_factor


def test_lengths():
    assert length_factor(None) == 1.0
    assert length_factor("µm") == length_factor("um") == length_factor("μm") == length_factor(" UM ") == 1e-6
    assert length_factor("Å") == 1e-10 and length_factor("nm") == 1e-9
    with pytest.raises(InputError, match=r"x_unit='furlong' is not known"):
        length_factor("furlong")


def test_times():
    assert time_factor("h") == 3600.0 and time_factor("d") == 86400.0
    with pytest.raises(InputError, match="t_unit must be a time unit"):
        time_factor("fortnight")


def test_python_dash_m():
    import mixmap

    out = subprocess.run([sys.executable, "-m", "mixmap", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == f"mixmap {mixmap.__version__}"
