"""The one parallel map: a process pool torn down on Ctrl-C, and a resumable
item map whose results are cached on disk under content hashes.

- :func:`pmap`: ``func`` over argument tuples, results as they finish.
- :func:`run_items`: items named by content hashes, each result written
  atomically to its file as it arrives; an item whose file exists is reused.
  A process pool by default, a Ray cluster with ``BuildOptions(ray=...)``.
"""

from circuitlab.parallel.items import BuildOptions, BuildReport, Item, run_items
from circuitlab.parallel.pool import ignore_sigint, pmap, terminate

__all__ = ["BuildOptions", "BuildReport", "Item", "ignore_sigint", "pmap", "run_items",
           "terminate"]
