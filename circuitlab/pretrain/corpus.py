"""Verilog designs -> AIG graphs carrying their design's LLM text tokens, for VGA.

MGVGA aligns each AIG with its design's Verilog: the graph's node states
cross-attend to ``M`` tokens a frozen language model makes of the Verilog
text. :func:`verilog_corpus` builds that training set from a folder of
designs (or a :class:`~circuitlab.datasets.VerilogAigDataset`): each
design is synthesised, encoded by :func:`~circuitlab.data.to_pyg`, its
Verilog embedded by :func:`~circuitlab.llm.make_embedder` (the shipped
MiniLM by default: ``M = 16``, ``D = 384``) and attached as ``text_tokens``
``[1, M, D]`` (:func:`~circuitlab.pretrain.with_text_tokens`). With
``recipes > 0`` the AIGs along seeded random synthesis recipes are added
(OpenABC-D style, as :class:`~circuitlab.datasets.RecipeCorpus`), each
carrying the tokens of the design it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from circuitlab.synth.design import VERILOG_SUFFIXES, DesignParams, list_designs, read_design
from circuitlab.errors import CircuitlabError, require_at_least
from circuitlab.llm import EmbedParams



@dataclass(frozen=True)
class CorpusParams:
    """How :func:`verilog_corpus` turns designs into graphs.

    Attributes:
        encoding: ``"not_nodes"`` or ``"edge_attr"`` (the encoder's).
        recipes: random recipes traced per design (0: the synthesised AIG only).
        recipe_length: steps per recipe; every distinct intermediate AIG is kept.
        seed: seed of the recipes (recipe ``r`` of design ``d`` has seed
            :func:`~circuitlab.datasets.recipe_seed` ``(seed, d, r)``).
        engine: recipe engine, ``auto``/``abc``/``aigverse``.
        jobs: worker processes for synthesis and recipes.
        synth_timeout: seconds per Yosys run.
    """

    encoding: str = "not_nodes"
    recipes: int = 0
    recipe_length: int = 10
    seed: int = 0
    engine: str = "auto"
    jobs: int = 2
    synth_timeout: float = 600.0

    def __post_init__(self):
        require_at_least(self.recipes, 0, "recipes")
        require_at_least(self.recipe_length, 1, "recipe_length")
        require_at_least(self.jobs, 1, "jobs")


def _build(path: Path, params: CorpusParams) -> tuple[str, list[bytes] | str]:
    """AIGER bytes of the design and its recipe intermediates, or the error line."""
    from circuitlab.io.aiger import dump_aiger
    try:
        aig = read_design(path, DesignParams(timeout=params.synth_timeout))
        aigs = [aig]
        if params.recipes:
            from circuitlab.datasets import recipe_seed
            from circuitlab.synth.recipes import RecipeParams, random_recipe, trace_recipe
            seen = {dump_aiger(aig)}
            for r in range(params.recipes):
                steps = random_recipe(recipe_seed(params.seed, path.stem, r),
                                      params.recipe_length)
                for step_aig in trace_recipe(aig, steps, RecipeParams(params.engine))[1:]:
                    blob = dump_aiger(step_aig)
                    if blob not in seen:
                        seen.add(blob)
                        aigs.append(step_aig)
        return path.stem, [dump_aiger(a) for a in aigs]
    except CircuitlabError as exc:
        return path.stem, str(exc).splitlines()[0]


def design_graphs(files: Sequence[Path], params: CorpusParams = CorpusParams()) -> list:
    """One :class:`~circuitlab.data.AigData` per design (plus recipe AIGs), in file order.

    Each graph has ``name`` (``<design>`` or ``<design>#<k>``), ``design``
    and ``verilog`` (the file's text).

    Raises:
        CircuitlabError: a design does not synthesise (its name and Yosys' line).
    """
    from circuitlab.data import to_pyg
    from circuitlab.io.aiger import parse_aiger

    files = list(files)
    if params.jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=params.jobs) as pool:
            built = list(pool.map(_build, files, [params] * len(files)))
    else:
        built = [_build(f, params) for f in files]
    graphs = []
    for path, (design, result) in zip(files, built):
        if isinstance(result, str):
            raise CircuitlabError(f"{path}: {result}")
        text = path.read_text(errors="replace")
        for k, blob in enumerate(result):
            graph = to_pyg(parse_aiger(blob), params.encoding)
            graph.name = design if k == 0 else f"{design}#{k}"
            graph.design = design
            graph.verilog = text
            graphs.append(graph)
    return graphs


def attach_text_tokens(graphs: Sequence, embed: EmbedParams = EmbedParams(),
                       embedder=None) -> list:
    """Copies of ``graphs`` with ``text_tokens`` ``[1, M, D]`` of their ``verilog``.

    Each distinct text is embedded once (by ``embedder``, default
    :func:`~circuitlab.llm.make_embedder` ``(embed)``, cached on disk).

    Raises:
        CircuitlabError: a graph has no ``verilog`` text.
    """
    import torch

    from circuitlab.llm import make_embedder
    from circuitlab.pretrain.model import with_text_tokens

    texts = []
    for k, graph in enumerate(graphs):
        text = getattr(graph, "verilog", None)
        if not isinstance(text, str) or not text:
            name = getattr(graph, "name", None) or getattr(graph, "design", None) or f"graph {k}"
            raise CircuitlabError(f"{name}: no Verilog text to embed (VGA needs one per design)")
        texts.append(text)
    unique = sorted(set(texts))
    embedder = embedder if embedder is not None else make_embedder(embed)
    tokens = {t: torch.from_numpy(e.tokens) for t, e in zip(unique, embedder.embed(unique))}
    return [with_text_tokens(g, tokens[t]) for g, t in zip(graphs, texts)]


def verilog_corpus(source, params: CorpusParams = CorpusParams(),
                   embed: EmbedParams | None = EmbedParams(), *, designs: Sequence[str] = (),
                   exclude: Sequence[str] = (), embedder=None) -> list:
    """The graphs of ``source`` with text tokens, ready for :func:`~circuitlab.pretrain.pretrain`.

    Args:
        source: a folder of ``.v`` designs, or a
            :class:`~circuitlab.datasets.VerilogAigDataset` (its graphs are
            used as they are; ``params.recipes`` must then be 0).
        params: synthesis, encoding and recipe augmentation.
        embed: the embedder's options (``M = pooled_tokens``); ``None``
            leaves the graphs without text (for MGM or GraphMAE).
        designs: keep only these design names (stems), if given.
        exclude: drop these design names (e.g. a held-out split).
        embedder: an :class:`~circuitlab.llm.Embedder` to use instead of ``embed``'s.

    Raises:
        CircuitlabError: no design left, a design that does not synthesise,
            a name in ``designs`` that is not in ``source``.
    """
    if isinstance(source, (str, Path)):
        files = list_designs(source, VERILOG_SUFFIXES)
        names = {p.stem for p in files}
        missing = sorted(set(designs) - names)
        if missing:
            raise CircuitlabError(f"{source}: no design named {missing[0]}")
        files = [p for p in files if (not designs or p.stem in designs)
                 and p.stem not in set(exclude)]
        if not files:
            raise CircuitlabError(f"{source}: no design left to train on")
        graphs = design_graphs(files, params)
    else:
        if params.recipes:
            raise CircuitlabError("recipes: a VerilogAigDataset is used as built; "
                                  "pass its source folder to add recipe AIGs")
        graphs = []
        for k in range(len(source)):
            graph = source[k]
            name = getattr(graph, "design", f"graph {k}")
            if (designs and name not in designs) or name in set(exclude):
                continue
            graph.name = name
            graphs.append(graph)
        if not graphs:
            raise CircuitlabError("the dataset has no design left to train on")
    if embed is None and embedder is None:
        return graphs
    return attach_text_tokens(graphs, embed or EmbedParams(), embedder)

