"""PyG datasets of AIGs: Verilog and circuit-file folders, and a recipe corpus.

- :class:`VerilogAigDataset`: a folder of Verilog designs, synthesised.
- :class:`AigerDataset`: a folder of ``.aig``/``.aag``/``.bench`` files.
- :class:`RecipeCorpus`: designs x seeded random 20-step recipes with every
  intermediate AIG and each recipe's final AND count and depth (OpenABC-D,
  the pre-training corpus of MGVGA).

All follow PyG's dataset contract (``raw_dir`` is the source folder,
``process()`` builds ``root/processed/<fingerprint>``) and build resumably
in parallel (:mod:`circuitlab.datasets.build`): a process pool by default,
a Ray cluster with ``BuildOptions(ray="auto")``.
"""

from circuitlab.datasets.aiger_dataset import AigerDataset
from circuitlab.datasets.build import BuildOptions, BuildReport
from circuitlab.datasets.recipe_corpus import RecipeCorpus, recipe_seed
from circuitlab.datasets.verilog_dataset import VerilogAigDataset

__all__ = ["AigerDataset", "BuildOptions", "BuildReport", "RecipeCorpus", "VerilogAigDataset",
           "recipe_seed"]
