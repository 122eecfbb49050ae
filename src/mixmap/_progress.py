"""Progress bars (tqdm) for long loops: on a terminal by default in the CLI, on request in the API.

``enabled=True`` shows the bar, ``False`` hides it and ``None`` shows it only when stderr is a
terminal (what the CLI passes, so pipes and log files get no carriage-return frames). The clock restarts
after the first item, which usually includes the one-off Numba compilation, so the rate and the
ETA describe the steady state.
"""

from __future__ import annotations

import sys

from tqdm.auto import tqdm

__all__ = ["Progress", "progress", "cli_progress"]


def cli_progress() -> bool:
    """Whether the command line should draw a bar: stderr is a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Progress(tqdm):
    """A tqdm bar whose rate and ETA exclude the first (compiling) item.

    Parameters
    ----------
    total : int or None
        Number of items, if known.
    desc : str
        Label in front of the bar.
    enabled : bool or None
        True: draw; False: silent; None: draw when stderr is a terminal.
    """

    def __init__(self, total=None, desc: str = "", enabled: bool | None = True, **kwargs):
        kwargs.setdefault("file", sys.stderr)
        kwargs.setdefault("mininterval", 0.2)
        kwargs.setdefault("smoothing", 0.1)
        kwargs.setdefault("dynamic_ncols", True)
        super().__init__(total=total, desc=desc, disable=None if enabled is None else not enabled, **kwargs)
        self._warm = False

    def update(self, n=1):
        if self.disable or self._warm:
            return super().update(n)
        self._warm = True
        done = self.n + n
        self.reset(total=self.total)
        self.initial = self.n = self.last_print_n = done
        self.refresh()
        return True


def progress(iterable, total: int | None = None, desc: str = "", enabled: bool | None = True):
    """Iterate over ``iterable`` while drawing a :class:`Progress` bar."""
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    with Progress(total, desc, enabled) as bar:
        for item in iterable:
            yield item
            bar.update(1)
