"""Progress of long work on stderr: a tqdm bar, drawn only when stderr is a terminal.

Every command that can run long reports through :class:`Progress`, and
takes ``--no-progress`` (:func:`add_progress_option`) to silence it. Output
piped to a file or a test stays clean: no bar is drawn there.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading

__all__ = ["Progress", "add_progress_option", "on_terminal"]

_TICK_SECONDS = 0.5


def on_terminal() -> bool:
    """Whether stderr is a terminal (where a bar may be drawn)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    """``--no-progress``: stored as ``args.no_progress``."""
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar on stderr (one is drawn only on a terminal)")


class Progress:
    """A progress bar on stderr, or nothing (``enabled`` false, or not a terminal).

    Use as a context manager. With ``total`` it counts items
    (:meth:`advance`) or a fraction (:meth:`__call__`); without, it shows
    the elapsed time, redrawn twice a second while the caller blocks in
    work that reports nothing (a solver, an external tool).

    Args:
        what: the bar's label.
        total: items to do; ``None``: an elapsed-time display.
        unit: what an item is called.
        enabled: ``False`` draws nothing (``--no-progress``).
        counts: show ``done/total`` (``False``: only the percentage, for
            a bar fed fractions).
    """

    def __init__(self, what: str, total: float | None = None, unit: str = "it",
                 enabled: bool = True, counts: bool = True):
        self._bar = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if not (enabled and on_terminal()):
            return
        from tqdm import tqdm
        # a terminal that reports no size (a bare pty) would get no bar at all
        width = {} if shutil.get_terminal_size((0, 0)).columns else {"ncols": 80, "nrows": 24}
        if total is None:
            self._bar = tqdm(desc=what, file=sys.stderr, leave=False,
                             bar_format="{desc}: {elapsed}{postfix}", **width)
            self._ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self._ticker.start()
        else:
            form = {} if counts else {"bar_format": "{desc}: {percentage:3.0f}%|{bar}| "
                                                    "[{elapsed}{postfix}]"}
            self._bar = tqdm(desc=what, total=total, unit=unit, file=sys.stderr, leave=False,
                             dynamic_ncols=not width, **width, **form)

    @property
    def shown(self) -> bool:
        """Whether a bar is drawn."""
        return self._bar is not None

    def advance(self, n: float = 1) -> None:
        """``n`` more items done."""
        if self._bar is not None:
            self._bar.update(n)

    def set(self, done: float, total: float) -> None:
        """``done`` of ``total`` items (a total learnt as the work goes)."""
        if self._bar is not None:
            self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def note(self, text: str) -> None:
        """Show ``text`` after the count (the current step, a size)."""
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=True)

    def __call__(self, fraction: float, message: str) -> None:
        """Set the bar to ``fraction`` of its total (0 to 1) with ``message``:
        the ``progress(fraction, message)`` callback the optimisers take."""
        if self._bar is None:
            return
        total = self._bar.total or 1
        self._bar.n = max(0.0, min(1.0, fraction)) * total
        self._bar.set_postfix_str(message, refresh=True)

    def close(self) -> None:
        """Remove the bar from the terminal."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _tick(self) -> None:
        while not self._stop.wait(_TICK_SECONDS):
            bar = self._bar
            if bar is not None:
                bar.refresh()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
