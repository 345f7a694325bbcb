"""The datasets' builder: :mod:`circuitlab.parallel`'s resumable item map, under the
names the dataset classes and their callers use."""

from circuitlab.parallel.items import BuildOptions, BuildReport, Item, run_items

__all__ = ["BuildOptions", "BuildReport", "Item", "run_items"]
