"""Progress bars: tqdm, silent when not asked or not on a terminal, rate without the first item."""

import io
import time

from mixmap._progress import Progress, cli_progress, progress


def test_disabled_writes_nothing():
    buf = io.StringIO()
    with Progress(3, "x", enabled=False, file=buf) as bar:
        for _ in range(3):
            bar.update(1)
    assert buf.getvalue() == ""


def test_auto_is_silent_in_a_pipe(capsys):
    list(progress(range(3), desc="x", enabled=None))
    assert capsys.readouterr().err == ""
    assert cli_progress() is False  # pytest captures stderr: not a terminal


def test_rate_excludes_the_first_item():
    buf = io.StringIO()
    with Progress(6, "x", enabled=True, file=buf, mininterval=0) as bar:
        time.sleep(0.5)  # the "compiling" first item
        bar.update(1)
        for _ in range(5):
            time.sleep(0.01)
            bar.update(1)
        rate = bar.format_dict["n"] - bar.format_dict["initial"], bar.format_dict["elapsed"]
    assert "6/6" in buf.getvalue()
    assert rate[0] == 5 and rate[1] < 0.3  # the clock restarted after the first item
