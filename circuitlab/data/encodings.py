"""From :class:`~circuitlab.aig.Aig` to PyG: :func:`to_pyg`.

The only module of circuitlab where circuits become tensors; the circuit
core never imports torch.
"""

from __future__ import annotations

import numpy as np
import torch

from circuitlab.aig import Aig, levels
from circuitlab.data.aig_data import AigData
from circuitlab.data.levels import not_node_levels
from circuitlab.data.node_type import NodeType
from circuitlab.errors import CircuitlabError

ENCODINGS = ("not_nodes", "edge_attr")


def to_pyg(aig: Aig, encoding: str = "not_nodes") -> AigData:
    """The graph of ``aig`` in one of two encodings (see :class:`AigData`).

    ``"not_nodes"`` is the encoding of MGVGA (Wu et al., ICLR 2025,
    https://arxiv.org/abs/2502.12732): node types PI, PO, AND and NOT, and
    a NOT node on every complemented edge. Following the MGVGA release
    (``data_helper.py`` inserts one new NOT node per edge whose type is
    "inverted"), NOT nodes are not shared: a literal read complemented by
    three gates gets three NOT nodes, each with fan-out 1.

    ``"edge_attr"`` keeps one node per AIG variable and output, with the
    complement of each edge in ``edge_attr``.

    In both, the constant-false variable is a ``CONST`` node that reads as
    0 (an output of constant true is a PO fed by it through a complemented
    edge); latches are cut into a pseudo-PI (the latch output) and a
    pseudo-PO (its next state), both marked by ``is_latch``. The work is a
    few numpy passes over the arrays of ``aig``, without a loop per node
    (levels in ``not_nodes`` aside, see :mod:`circuitlab.data.levels`).

    Raises:
        CircuitlabError: for an encoding other than those in ``ENCODINGS``.
    """
    if encoding not in ENCODINGS:
        raise CircuitlabError(f"unknown graph encoding {encoding!r}; "
                              f"choose one of {', '.join(ENCODINGS)}")
    num_vars, first = aig.num_vars, aig.first_and_var
    num_roots = aig.num_outputs + aig.num_latches
    # One row per fan-in edge: the two of each AND, then one per output and
    # latch next state.
    lits = np.concatenate([aig.ands.ravel(), aig.outputs, aig.latches[:, 0]])
    src, inv = lits >> 1, lits & 1
    not_nodes = encoding == "not_nodes"
    inverted = np.flatnonzero(inv) if not_nodes else np.empty(0, dtype=np.int64)
    num_nots = len(inverted)
    first_po = num_vars + num_nots
    num_nodes = first_po + num_roots
    po_node = np.arange(first_po, num_nodes, dtype=np.int64)
    dst = np.concatenate([np.repeat(np.arange(first, num_vars, dtype=np.int64), 2), po_node])

    if not_nodes:
        not_node = np.arange(num_vars, first_po, dtype=np.int64)
        feed = src.copy()
        feed[inverted] = not_node
        edge_index = np.stack([np.concatenate([feed, src[inverted]]),
                               np.concatenate([dst, not_node])])
        var_level = not_node_levels(aig)
        root_level = var_level[src[len(src) - num_roots:]] + inv[len(inv) - num_roots:] + 1
        level = np.concatenate([var_level, var_level[src[inverted]] + 1, root_level])
    else:
        edge_index = np.stack([src, dst])
        var_level = levels(aig)
        level = np.concatenate([var_level, var_level[src[len(src) - num_roots:]] + 1])

    node_type = np.empty(num_nodes, dtype=np.int64)
    node_type[0] = NodeType.CONST
    node_type[1:first] = NodeType.PI
    node_type[first:num_vars] = NodeType.AND
    node_type[num_vars:first_po] = NodeType.NOT
    node_type[first_po:] = NodeType.PO
    is_latch = np.zeros(num_nodes, dtype=bool)
    is_latch[1 + aig.num_inputs:first] = True
    is_latch[num_nodes - aig.num_latches:] = True
    input_pos = np.full(num_nodes, -1, dtype=np.int64)
    input_pos[1:first] = np.arange(first - 1, dtype=np.int64)

    def count(n: int) -> torch.Tensor:
        return torch.tensor([n], dtype=torch.int64)

    data = AigData(
        edge_index=torch.from_numpy(np.ascontiguousarray(edge_index, dtype=np.int64)),
        node_type=torch.from_numpy(node_type),
        is_latch=torch.from_numpy(is_latch),
        input_pos=torch.from_numpy(input_pos),
        level=torch.from_numpy(np.ascontiguousarray(level, dtype=np.int64)),
        fanin=torch.from_numpy(np.bincount(edge_index[1], minlength=num_nodes)),
        fanout=torch.from_numpy(np.bincount(edge_index[0], minlength=num_nodes)),
        var_node=torch.arange(num_vars, dtype=torch.int64),
        po_node=torch.from_numpy(po_node),
        latch_init=torch.from_numpy(np.array(aig.latches[:, 1], dtype=np.int64)),
        num_inputs=count(aig.num_inputs), num_latches=count(aig.num_latches),
        num_ands=count(aig.num_ands), num_outputs=count(aig.num_outputs),
        num_nots=count(num_nots),
        encoding=encoding,
        num_nodes=num_nodes,
    )
    if not not_nodes:
        data.edge_attr = torch.from_numpy(inv.astype(np.float32)[:, None])
    return data
