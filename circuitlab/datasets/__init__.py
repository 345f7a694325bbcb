"""PyG datasets of AIGs: Verilog and circuit-file folders, and a recipe corpus.

- :class:`VerilogAigDataset`: a folder of Verilog designs, synthesised.
- :class:`AigerDataset`: a folder of ``.aig``/``.aag``/``.bench`` files.
- :class:`RecipeCorpus`: designs x seeded random 20-step recipes with every
  intermediate AIG and each recipe's final AND count and depth (OpenABC-D,
  the pre-training corpus of MGVGA).
- :func:`build_rtl_corpus`: distinct Verilog-AIG pairs of the random RTL
  families, in resumable shards.
- :class:`ShardStream` (:func:`rtl_stream`, :func:`recipe_stream`,
  :func:`corpus_stream`): a built corpus streamed shard by shard through a
  seeded shuffle buffer.

Every builder skips the test-only benchmarks (:mod:`.test_only`) and lists them.

All follow PyG's dataset contract (``raw_dir`` is the source folder,
``process()`` builds ``root/processed/<fingerprint>``) and build resumably
in parallel (:mod:`circuitlab.parallel`): a process pool by default,
a Ray cluster with ``BuildOptions(ray="auto")``.
"""

from __future__ import annotations

import importlib

# public name -> submodule; loaded on first use, so the builder and the CLI's
# option parsing import neither torch nor PyG
_EXPORTS = {
    "AigerDataset": "aiger_dataset",
    "BuildOptions": "circuitlab.parallel",
    "BuildReport": "circuitlab.parallel",
    "RecipeCorpus": "recipe_corpus",
    "ShardStream": "stream",
    "VerilogAigDataset": "verilog_dataset",
    "build_rtl_corpus": "rtl_corpus",
    "corpus_stream": "stream",
    "recipe_stream": "stream",
    "rtl_stream": "stream",
    "recipe_seed": "recipe_corpus",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'circuitlab.datasets' has no attribute {name!r}")
    path = module if module.startswith("circuitlab.") else f"circuitlab.datasets.{module}"
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value
