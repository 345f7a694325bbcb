"""Optimisation flows of circuitlab: windowed resynthesis of AIGs of any size."""

from circuitlab.optimize.windowed import GENERATORS, WindowParams, WindowStats, optimize_windows

__all__ = ["GENERATORS", "WindowParams", "WindowStats", "optimize_windows"]
