"""The training graphs of the functional objectives, built per design and cached on disk.

For each design (latches cut): one view of the whole circuit with its
signal probabilities and truth-table pairs (:func:`functional_graph`), then
up to ``outputs`` contrast samples, one per output whose cone has
``min_cone .. max_cone`` ANDs: the cone, its cones in the design's seeded
random-recipe versions proven equivalent, and hard negatives proven
different (one inverted edge, one rewired edge, another output;
:func:`~circuitlab.pretrain.contrast.contrast_sample`), as one
:func:`contrast_graph`.

The work is one item per design through
:func:`~circuitlab.parallel.run_items`: keyed by the design's AIGER bytes
and the parameters, so an interrupted build resumes and a repeated one
reads the cache.
"""

from __future__ import annotations

import hashlib
import io
import json
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from circuitlab.aig import Aig, cone
from circuitlab.data import ENCODINGS
from circuitlab.datasets.test_only import check_training_corpus
from circuitlab.errors import CircuitlabError, require, require_at_least, require_choice
from circuitlab.io import dump_aiger, parse_aiger
from circuitlab.parallel import BuildOptions, Item, run_items
from circuitlab.pretrain.contrast import ContrastParams, contrast_sample
from circuitlab.pretrain.functional_graphs import contrast_graph, functional_graph
from circuitlab.synth.recipes import ENGINES, recipe_versions

__all__ = ["FunctionalSampleParams", "design_views", "functional_training_graphs"]

_SUFFIX = ".views"
_FORMAT = 3
"""Part of every cache key: raised whenever what design_views makes changes."""


@dataclass(frozen=True)
class FunctionalSampleParams:
    """What each design contributes to the functional objectives.

    Attributes:
        outputs: contrast samples per design (one per chosen output).
        min_cone, max_cone: AND-count range of an output cone worth a sample.
        versions: seeded random-recipe versions of the design whose cones
            are the positives.
        recipe_length: steps of each version's recipe.
        engine: what runs the recipes (``"aigverse"``: pip-only).
        max_nodes: a graph over this many nodes is left out (a whole-design
            view: the design's cones still give samples; a contrast sample:
            the next output is tried); keep it under the pre-training node
            budget.
        encoding: graph encoding of the views.
        seed: seed of the recipes, the output choice and the mutations.
    """

    outputs: int = 4
    min_cone: int = 5
    max_cone: int = 150
    versions: int = 2
    recipe_length: int = 10
    engine: str = "aigverse"
    max_nodes: int = 4000
    encoding: str = "not_nodes"
    seed: int = 0

    def __post_init__(self):
        for name in ("outputs", "versions", "seed"):
            require_at_least(getattr(self, name), 0, name)
        for name in ("min_cone", "recipe_length", "max_nodes"):
            require_at_least(getattr(self, name), 1, name)
        require(self.max_cone >= self.min_cone, "max_cone",
                f"must be at least min_cone ({self.min_cone}), got {self.max_cone}")
        require_choice(self.engine, ENGINES, "engine")
        require_choice(self.encoding, ENCODINGS, "encoding")

    @classmethod
    def of_config(cls, config) -> "FunctionalSampleParams":
        """The views a :class:`~circuitlab.pretrain.PretrainConfig` trains on: its
        encoding and seed, no graph over its node budget."""
        return cls(encoding=config.encoder.encoding, seed=config.seed,
                   max_nodes=config.node_budget)


def design_views(name: str, aig: Aig, params: FunctionalSampleParams = FunctionalSampleParams()
                 ) -> list:
    """The functional training graphs of one design, each with ``design = name`` and a
    ``name`` (``name``, or ``"<name> output <k>"`` for a contrast sample)."""
    rng = np.random.default_rng([params.seed, zlib.crc32(name.encode())])
    comb = aig.cut_latches()
    graphs = []
    if comb.num_ands:
        graph = functional_graph(comb, params.encoding)
        graph.name = name
        if graph.num_nodes <= params.max_nodes:
            graphs.append(graph)
    if params.outputs:
        versions = recipe_versions(comb, params.versions, params.recipe_length, params.engine,
                                   rng)[1:]
        contrast = ContrastParams(inverted=1, rewired=1, other_outputs=1, seed=params.seed)
        found = 0
        for out in rng.permutation(comb.num_outputs).tolist():
            if found == params.outputs:
                break
            if not params.min_cone <= cone(comb, [out], keep_all_inputs=True).num_ands \
                    <= params.max_cone:
                continue
            sample = contrast_sample(comb, out, versions, contrast)
            if sample.positives and sample.negatives:
                graph = contrast_graph(sample, params.encoding)
                graph.name = f"{name} output {out}"
                if graph.num_nodes <= params.max_nodes:
                    graphs.append(graph)
                    found += 1
    for graph in graphs:
        graph.design = name
    return graphs


def _views_item(payload: tuple[str, bytes, dict]) -> bytes:
    import torch

    name, aiger, params = payload
    graphs = design_views(name, parse_aiger(aiger, name), FunctionalSampleParams(**params))
    buffer = io.BytesIO()
    torch.save(graphs, buffer)
    return buffer.getvalue()


def functional_training_graphs(designs: Sequence[tuple[str, Aig]], cache: str | Path,
                               params: FunctionalSampleParams = FunctionalSampleParams(),
                               options: BuildOptions = BuildOptions(),
                               allow: Sequence[str] = ()) -> list:
    """The :func:`design_views` of every ``(name, aig)``, in order, built in parallel.

    Results are cached in ``cache`` (one file per design and parameters).
    A design whose views cannot be built is reported on stderr and left out.
    ``allow``: names whose match with a test-only design's *name* is a
    known false positive (their function is still checked).

    Raises:
        TestOnlyError: a design is a test-only benchmark (by name or function).
        CircuitlabError: no design gave a graph.
    """
    import torch

    designs = list(designs)
    check_training_corpus(designs, allow=allow)
    cache = Path(cache)
    salt = json.dumps([_FORMAT, asdict(params)], sort_keys=True).encode()
    items = []
    for name, aig in designs:
        aiger = dump_aiger(aig)
        key = hashlib.sha1(salt + name.encode() + b"\0" + aiger).hexdigest()[:20]
        items.append(Item(name, key, (name, aiger, asdict(params))))
    run_items(_views_item, items, cache, _SUFFIX, options, what="designs")
    graphs = []
    for item in items:
        path = cache / f"{item.key}{_SUFFIX}"
        if path.exists():
            graphs.extend(torch.load(path, weights_only=False))
    if not graphs:
        raise CircuitlabError(f"no functional training graph from {len(items)} designs")
    return graphs
