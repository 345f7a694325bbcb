"""Verilog designs -> AIG graphs carrying their design's LLM text tokens, for VGA.

MGVGA aligns each AIG with its design's Verilog: the graph's node states
cross-attend to ``M`` tokens a frozen language model makes of the Verilog
text. :func:`verilog_corpus` builds that training set from a folder of
designs (or a :class:`~circuitlab.datasets.VerilogAigDataset`): each
design is synthesised, encoded by :func:`~circuitlab.data.to_pyg`, its
Verilog embedded by :func:`~circuitlab.llm.make_embedder` (the shipped
MiniLM by default: ``M = 16``, ``D = 384``) and attached as ``text_tokens``
``[1, M, D]`` (:func:`~circuitlab.pretrain.with_text_tokens`). With
``recipes > 0`` the AIGs along :class:`~circuitlab.datasets.RecipeCorpus`'s
seeded random synthesis recipes are added (OpenABC-D style), each carrying
the tokens of the design it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from circuitlab.datasets.shard import unpack
from circuitlab.errors import CircuitlabError, require_at_least, require_choice
from circuitlab.io.aiger import dump_aiger, parse_aiger
from circuitlab.llm import EmbedParams, make_embedder
from circuitlab.llm.params import TEXT_SOURCES
from circuitlab.parallel import pmap
from circuitlab.synth.design import DesignParams, VERILOG_SUFFIXES, list_designs, read_design



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
        recipe_timeout: seconds per recipe.
        text: what VGA embeds for each design: ``verilog``, the design file, or
            ``description``, the ``.txt`` beside it (every design needs one).
    """

    encoding: str = "not_nodes"
    recipes: int = 0
    recipe_length: int = 10
    seed: int = 0
    engine: str = "auto"
    jobs: int = 2
    synth_timeout: float = 600.0
    recipe_timeout: float = 600.0
    text: str = TEXT_SOURCES[0]

    def __post_init__(self):
        require_choice(self.text, TEXT_SOURCES, "text")
        require_at_least(self.recipes, 0, "recipes")
        require_at_least(self.recipe_length, 1, "recipe_length")
        require_at_least(self.jobs, 1, "jobs")


def _synthesize(path: Path, timeout: float) -> bytes | str:
    """Worker: the AIGER bytes of the design, or the error's line."""
    try:
        return dump_aiger(read_design(path, DesignParams(timeout=timeout)))
    except CircuitlabError as exc:
        return str(exc).splitlines()[0]


def _trace(payload: dict) -> list[bytes] | str:
    """Worker: the AIGER bytes of a recipe's steps after the first, or the error's line."""
    # loads torch, torch_geometric: only when used
    from circuitlab.datasets.recipe_corpus import trace_item
    try:
        return unpack(trace_item(payload))[1][1:]
    except CircuitlabError as exc:
        return str(exc).splitlines()[0]


def design_graphs(files: Sequence[Path], params: CorpusParams = CorpusParams()) -> list:
    """One :class:`~circuitlab.data.AigData` per design (plus recipe AIGs), in file order.

    Each graph has ``name`` (``<design>`` or ``<design>#<k>``), ``design``
    and ``verilog`` (the file's text). The recipe AIGs are those of
    :class:`~circuitlab.datasets.RecipeCorpus` (the same recipes, traced by
    its :func:`~circuitlab.datasets.recipe_corpus.trace_item`), each distinct
    circuit of a design kept once.

    A test-only design (:func:`~circuitlab.datasets.test_only.screen`, by
    file name or function) is left out, named on stderr.

    Raises:
        CircuitlabError: a design does not synthesise (its name and Yosys' line),
            or every design is test-only.
    """
    from circuitlab.data import to_pyg  # loads torch, torch_geometric: only when used
    # loads torch, torch_geometric: only when used
    from circuitlab.datasets.recipe_corpus import recipe_payload

    files = list(files)
    built: list[list[bytes]] = [[] for _ in files]
    for k, result in pmap(_synthesize, [(f, params.synth_timeout) for f in files],
                          params.jobs):
        if isinstance(result, str):
            raise CircuitlabError(f"{files[k]}: {result}")
        built[k].append(result)
    files, built = _without_test_only(files, built)
    calls = [(k, r) for k in range(len(files)) for r in range(params.recipes)]
    payloads = [({**recipe_payload(files[k].stem, r, params.seed, params.recipe_length,
                                   params.engine, params.recipe_timeout),
                  "aiger": built[k][0]},) for k, r in calls]
    traces: dict[tuple[int, int], list[bytes]] = {}
    for j, result in pmap(_trace, payloads, params.jobs):
        if isinstance(result, str):
            raise CircuitlabError(f"{files[calls[j][0]]}: {result}")
        traces[calls[j]] = result
    graphs = []
    for k, path in enumerate(files):
        design = path.stem
        aigs = [parse_aiger(built[k][0])]
        seen = {dump_aiger(aigs[0], symbols=False, comments=False)}
        for r in range(params.recipes):
            for blob in traces[(k, r)]:
                if blob not in seen:
                    seen.add(blob)
                    aigs.append(parse_aiger(blob))
        text = path.read_text(errors="replace")
        about = path.with_suffix(".txt")
        description = about.read_text(errors="replace") if about.is_file() else ""
        for n, aig in enumerate(aigs):
            graph = to_pyg(aig, params.encoding)
            graph.name = design if n == 0 else f"{design}#{n}"
            graph.design = design
            graph.verilog = text
            graph.description = description
            graphs.append(graph)
    return graphs


def _without_test_only(files: list[Path], built: list[list[bytes]]
                       ) -> tuple[list[Path], list[list[bytes]]]:
    """``files`` and their AIGER less the test-only designs, each named on stderr."""
    import sys

    from circuitlab.datasets.test_only import screen
    from circuitlab.io.aiger import parse_aiger
    refused = dict(screen((f.name, parse_aiger(b[0], str(f))) for f, b in zip(files, built)))
    for name, reason in refused.items():
        print(f"skipped {name}: test-only ({reason})", file=sys.stderr)
    kept = [k for k, f in enumerate(files) if f.name not in refused]
    if not kept:
        raise CircuitlabError(f"every design is test-only ({', '.join(refused)}); "
                              "ITC'99, EPFL random_control and RTLLM are used only to test")
    return [files[k] for k in kept], [built[k] for k in kept]


def attach_text_tokens(graphs: Sequence, embed: EmbedParams = EmbedParams(),
                       embedder=None, field: str = "verilog") -> list:
    """Copies of ``graphs`` with ``text_tokens`` ``[1, M, D]`` of their ``field`` text.

    Each distinct text is embedded once (by ``embedder``, default
    :func:`~circuitlab.llm.make_embedder` ``(embed)``, cached on disk).

    Raises:
        CircuitlabError: a graph has no ``field`` text.
    """
    import torch

    # loads torch, torch_geometric: only when used
    from circuitlab.pretrain.model import with_text_tokens

    texts = []
    for k, graph in enumerate(graphs):
        text = getattr(graph, field, None)
        if not isinstance(text, str) or not text:
            name = getattr(graph, "name", None) or getattr(graph, "design", None) or f"graph {k}"
            where = " (the .txt beside the design)" if field == "description" else ""
            raise CircuitlabError(f"{name}: no {field} text{where} to embed "
                                  "(VGA needs one per design)")
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
    return attach_text_tokens(graphs, embed or EmbedParams(), embedder, params.text)

