"""What ``circuitlab dataset build`` builds: :class:`DatasetParams`."""

from __future__ import annotations

from dataclasses import dataclass

from circuitlab.errors import require, require_at_least, require_choice
from circuitlab.synth.recipes import ENGINES

KINDS = ("verilog", "aiger", "recipes", "rtl")
"""Dataset kinds: a Verilog folder, a circuit-file folder, a recipe corpus, generated RTL pairs."""


@dataclass(frozen=True)
class DatasetParams:
    """A dataset of a source folder.

    Attributes:
        kind: ``"verilog"`` (designs with ``.txt`` descriptions), ``"aiger"``
            (``.aig``/``.aag``/``.bench`` files) or ``"recipes"`` (designs x
            seeded random recipes, every intermediate AIG; its source a folder
            of designs or an ``rtl`` corpus) or ``"rtl"`` (distinct
            Verilog-AIG pairs of the random RTL families, no source).
        encoding: graph encoding: ``not_nodes`` or ``edge_attr``.
        recipes: recipes per design (kind ``recipes``).
        seed: corpus seed (kinds ``recipes`` and ``rtl``).
        length: steps per recipe (kind ``recipes``).
        engine: recipe engine: ``auto`` (ABC when installed), ``abc`` or
            ``aigverse`` (kind ``recipes``).
        count: distinct Verilog-AIG pairs to keep (kind ``rtl``).
        shard_size: designs drawn per shard file (kind ``rtl``).
    """

    kind: str = "verilog"
    encoding: str = "not_nodes"
    recipes: int = 4
    seed: int = 0
    length: int = 20
    engine: str = "auto"
    count: int = 5000
    shard_size: int = 256

    def __post_init__(self):
        from circuitlab.data import ENCODINGS  # circuitlab.data imports torch

        require_choice(self.kind, KINDS, "kind")
        require_choice(self.encoding, ENCODINGS, "encoding")
        for name, low in (("recipes", 1), ("seed", 0), ("length", 1), ("count", 1),
                          ("shard_size", 1)):
            value = getattr(self, name)
            require(isinstance(value, int) and not isinstance(value, bool), name,
                    f"must be an int, got {value!r}")
            require_at_least(value, low, name)
        require_choice(self.engine, ENGINES, "engine")
