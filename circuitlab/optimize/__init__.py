"""Shrinking circuits: the small-circuit flow and windowed resynthesis for any size.

``small``: circuits the transformer takes whole (at most 8 inputs and 2
outputs): its search, the classical scripts and a SAT search, best of all.
``windowed``: any AIG, window by window, proven equivalent at the end.
"""

from circuitlab.optimize.windowed import GENERATORS, WindowParams, WindowStats, optimize_windows

__all__ = ["GENERATORS", "WindowParams", "WindowStats", "optimize_windows"]
