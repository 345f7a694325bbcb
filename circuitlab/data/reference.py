"""Plain-Python specification of :func:`circuitlab.data.to_pyg`.

Builds the same graph node by node and edge by edge, with levels found by
a longest-path pass over the built edges. Slow; it exists to be compared
with the vectorised encoder (tests, ``benchmarks/bench_to_pyg.py``).
"""

from __future__ import annotations

import torch

from circuitlab.aig import Aig
from circuitlab.data.aig_data import AigData
from circuitlab.data.encodings import ENCODINGS
from circuitlab.data.node_type import NodeType
from circuitlab.errors import CircuitlabError


def to_pyg_reference(aig: Aig, encoding: str = "not_nodes") -> AigData:
    """The graph :func:`~circuitlab.data.to_pyg` builds, field for field."""
    if encoding not in ENCODINGS:
        raise CircuitlabError(f"unknown graph encoding {encoding!r}")
    first = aig.first_and_var
    node_type = [int(NodeType.CONST)] + [int(NodeType.PI)] * (first - 1) \
        + [int(NodeType.AND)] * aig.num_ands
    is_latch = [1 + aig.num_inputs <= v < first for v in range(aig.num_vars)]
    targets = [("and", first + k) for k in range(aig.num_ands) for _ in range(2)]
    targets += [("po", k) for k in range(aig.num_outputs + aig.num_latches)]
    lits = [lit for row in aig.ands.tolist() for lit in row]
    lits += aig.outputs.tolist() + aig.latches[:, 0].tolist()

    fanin_edges, not_edges, complemented = [], [], []
    for lit, target in zip(lits, targets):
        source = lit >> 1
        if lit & 1 and encoding == "not_nodes":
            not_node = len(node_type)
            node_type.append(int(NodeType.NOT))
            is_latch.append(False)
            not_edges.append((source, not_node))
            source = not_node
        fanin_edges.append([source, target])
        complemented.append(lit & 1)
    first_po = len(node_type)
    for k in range(aig.num_outputs + aig.num_latches):
        node_type.append(int(NodeType.PO))
        is_latch.append(k >= aig.num_outputs)
    for edge in fanin_edges:
        kind, target = edge[1]
        edge[1] = target if kind == "and" else first_po + target
    edges = [tuple(e) for e in fanin_edges] + not_edges

    n = len(node_type)
    fanin, fanout = [0] * n, [0] * n
    preds = [[] for _ in range(n)]
    for s, d in edges:
        fanout[s] += 1
        fanin[d] += 1
        preds[d].append(s)
    level = [None] * n

    def level_of(node: int) -> int:
        stack = [node]
        while stack:
            top = stack[-1]
            todo = [p for p in preds[top] if level[p] is None]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            level[top] = 1 + max((level[p] for p in preds[top]), default=-1)
        return level[node]

    for node in range(n):
        level_of(node)

    def count(value: int) -> torch.Tensor:
        return torch.tensor([value], dtype=torch.int64)

    data = AigData(
        edge_index=torch.tensor(edges, dtype=torch.int64).reshape(-1, 2).T.contiguous(),
        node_type=torch.tensor(node_type, dtype=torch.int64),
        is_latch=torch.tensor(is_latch, dtype=torch.bool),
        input_pos=torch.tensor([v - 1 if 0 < v < first else -1 for v in range(n)],
                               dtype=torch.int64),
        level=torch.tensor(level, dtype=torch.int64),
        fanin=torch.tensor(fanin, dtype=torch.int64),
        fanout=torch.tensor(fanout, dtype=torch.int64),
        var_node=torch.tensor(list(range(aig.num_vars)), dtype=torch.int64),
        po_node=torch.tensor(list(range(first_po, n)), dtype=torch.int64),
        latch_init=torch.tensor(aig.latches[:, 1].tolist(), dtype=torch.int64),
        num_inputs=count(aig.num_inputs), num_latches=count(aig.num_latches),
        num_ands=count(aig.num_ands), num_outputs=count(aig.num_outputs),
        num_nots=count(len(not_edges)),
        encoding=encoding,
        num_nodes=n,
    )
    if encoding == "edge_attr":
        data.edge_attr = torch.tensor(complemented, dtype=torch.float32).reshape(-1, 1)
    return data
