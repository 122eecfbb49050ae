"""A dependency-free progress bar on stderr for long loops (CLI always, API on request)."""

from __future__ import annotations

import sys
import time


class Progress:
    """Text progress bar: ``with Progress(total, "maps") as bar: bar.update(1)``.

    Redraws at most 10 times a second; silent when ``enabled`` is False.
    """

    def __init__(self, total: int | None, desc: str = "", enabled: bool = True, stream=None):
        self.total = total
        self.desc = desc
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.n = 0
        self._t0 = time.perf_counter()
        self._last = 0.0

    def update(self, k: int = 1) -> None:
        self.n += k
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.1 or (self.total and self.n >= self.total)):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        el = now - self._t0
        rate = self.n / el if el > 0 else 0.0
        if self.total:
            frac = min(self.n / self.total, 1.0)
            bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
            eta = f"{(self.total - self.n) / rate:.0f}s" if rate > 0 else "?"
            msg = f"\r{self.desc} [{bar}] {self.n}/{self.total} {rate:.1f}/s eta {eta}"
        else:
            msg = f"\r{self.desc} {self.n} {rate:.1f}/s"
        self.stream.write(msg)
        self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
        return False


def progress(iterable, total: int | None = None, desc: str = "", enabled: bool = True):
    """Iterate over ``iterable`` while drawing a progress bar."""
    if total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    with Progress(total, desc, enabled) as bar:
        for item in iterable:
            yield item
            bar.update(1)
