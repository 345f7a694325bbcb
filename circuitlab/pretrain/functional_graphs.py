"""Pre-training graphs carrying the targets of the functional objectives.

Every target is computed once per graph, here, and stored on the graph
object (so a PyG batch carries them; nothing is simulated in the loop):

- ``prob`` ``[N]`` float32: DeepGate2's signal probability of every AND
  node (:func:`~circuitlab.pretrain.functional.probability_targets`), NaN on
  the other nodes (inputs are 0.5 by construction, NOT and PO nodes have no
  AIG variable);
- ``tt_pair_index`` ``[2, P]`` int64 and ``tt_dist`` ``[P]`` float32: node
  pairs and their truth-table distance, sampled with DeepGate2's filter
  (:func:`~circuitlab.pretrain.functional.sample_tt_pairs`); the name holds
  ``index`` so that batching offsets the pairs by the node count;
- ``view_batch`` ``[N]`` int64 and ``view_func`` ``[V]`` int64: the graph is
  a disjoint union of ``V`` *views* (single circuits); ``view_batch`` names
  each node's view (``batch`` in the name: batching offsets it by the view
  count) and ``view_func`` each view's function id, equal for views proven
  equivalent and different for views proven different.

:func:`functional_graph` makes one view of a whole design;
:func:`contrast_graph` the union of a
:class:`~circuitlab.pretrain.contrast.ContrastSample`'s anchor, positives
and hard negatives. AIG variable ``v`` is graph node ``v`` of its view
(:func:`circuitlab.data.to_pyg`), so targets need no mapping.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import torch

from circuitlab.aig import Aig
from circuitlab.data import AigData, NodeType, to_pyg
from circuitlab.errors import CircuitlabError
from circuitlab.pretrain.contrast import ContrastSample
from circuitlab.pretrain.functional import (PairParams, ResponseParams, node_responses,
                                            probability_targets, sample_tt_pairs)

__all__ = ["FIELDS", "check_functional_graphs", "contrast_graph", "function_id",
           "functional_graph"]

FIELDS = ("prob", "tt_pair_index", "tt_dist", "view_batch", "view_func")
"""Graph fields the functional objectives read."""

_ID_MASK = (1 << 62) - 1
_SKIP = ("name", "design", "verilog", "encoding", "text_tokens")


def function_id(aig: Aig, params: ResponseParams = ResponseParams()) -> int:
    """An id of the function of ``aig``'s outputs (latches cut), from its simulation.

    Exact (exhaustive patterns) up to ``params.exhaustive_inputs`` inputs;
    beyond, two functions that agree on all of ``params``' random patterns
    share an id.
    """
    comb = aig.cut_latches()
    values, patterns = node_responses(comb, params)
    lits = np.asarray(comb.outputs, dtype=np.int64)
    rows = values[lits >> 1] ^ np.where(lits & 1, ~np.uint64(0), np.uint64(0))[:, None]
    if patterns < 64:
        rows = rows[:, :1] & np.uint64((1 << patterns) - 1)
    digest = hashlib.blake2b(np.ascontiguousarray(rows).tobytes(), digest_size=8,
                             person=f"{comb.num_inputs}".encode()[:16]).digest()
    return int.from_bytes(digest, "little") & _ID_MASK


def _view(aig: Aig, encoding: str, response: ResponseParams, pairs: PairParams) -> AigData:
    comb = aig.cut_latches()
    graph = to_pyg(comb, encoding)
    prob = np.full(graph.num_nodes, np.nan, dtype=np.float32)
    ands = np.arange(comb.first_and_var, comb.num_vars)
    prob[ands] = probability_targets(comb, response)[ands]
    graph.prob = torch.from_numpy(prob)
    values, patterns = node_responses(comb, response)
    found, dist = sample_tt_pairs(comb, values, patterns, pairs)
    graph.tt_pair_index = torch.from_numpy(found.T.copy()).long()
    graph.tt_dist = torch.from_numpy(dist.astype(np.float32))
    return graph


def functional_graph(aig: Aig, encoding: str = "not_nodes",
                     response: ResponseParams = ResponseParams(),
                     pairs: PairParams = PairParams(max_pairs=256)) -> AigData:
    """The graph of ``aig`` (latches cut) as one view, with its functional targets."""
    graph = _view(aig, encoding, response, pairs)
    graph.view_batch = torch.zeros(graph.num_nodes, dtype=torch.long)
    graph.view_func = torch.tensor([function_id(aig, response)], dtype=torch.long)
    return graph


def contrast_graph(sample: ContrastSample, encoding: str = "not_nodes",
                   response: ResponseParams = ResponseParams(),
                   pairs: PairParams = PairParams(max_pairs=64)) -> AigData:
    """The disjoint union of ``sample``'s anchor, positives and negatives, with targets.

    The anchor and its positives (proven equivalent) share the anchor's
    function id; each negative (proven different) gets an id of its own,
    never the anchor's, even where ``response``'s patterns miss the
    difference.
    """
    views = [sample.anchor, *sample.positives, *sample.negatives]
    graphs = [_view(a, encoding, response, pairs) for a in views]
    anchor = function_id(sample.anchor, response)
    ids = [anchor] * (1 + len(sample.positives))
    for k, negative in enumerate(sample.negatives):
        found = function_id(negative, response)
        ids.append(found if found != anchor else (anchor + 1 + k) & _ID_MASK)
    return _union(graphs, ids, encoding)


def _union(graphs: Sequence[AigData], ids: Sequence[int], encoding: str) -> AigData:
    from torch_geometric.data import Batch
    batch = Batch.from_data_list(list(graphs))
    out = AigData()
    for key in graphs[0].keys():
        if key not in _SKIP:
            out[key] = batch[key]
    out.view_batch = batch.batch
    out.view_func = torch.tensor(list(ids), dtype=torch.long)
    out.encoding = encoding
    return out


def check_functional_graphs(objectives: Sequence[str], graphs, names: Sequence[str]) -> None:
    """Raise a :class:`CircuitlabError` naming the first graph without the targets needed.

    Raises:
        CircuitlabError: a graph lacks a field of :data:`FIELDS`, or its
            ``prob`` or ``view_batch`` does not cover its nodes.
    """
    if not objectives:
        return
    for name, graph in zip(names, graphs):
        missing = [f for f in FIELDS if getattr(graph, f, None) is None]
        if missing:
            raise CircuitlabError(f"{name}: the {'+'.join(objectives)} objectives need "
                                  f"{', '.join(missing)} (build the graphs with "
                                  "circuitlab.pretrain.functional_graphs)")
        if len(graph.prob) != graph.num_nodes or len(graph.view_batch) != graph.num_nodes:
            raise CircuitlabError(f"{name}: prob and view_batch must have one entry per node")


def and_nodes(graph) -> torch.Tensor:
    """``[N]`` bool: the AND nodes of ``graph`` (those with a ``prob`` target)."""
    return graph.node_type == int(NodeType.AND)
