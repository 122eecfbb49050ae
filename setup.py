"""Package discovery: every package under src/ plus the Numba kernels, installed as mixmap.kernels.

All other metadata is in pyproject.toml; setuptools' ``packages.find`` cannot map a folder outside
``src/`` into the package, so the one extra package is added here.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "mixmap.kernels"])
