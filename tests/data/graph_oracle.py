"""An evaluator over a PyG graph of an AIG, by node types alone.

Independent of the encoder: it finds its own topological order from
``edge_index`` and reads nothing but ``node_type``, ``edge_attr`` (when
present), ``var_node`` and ``po_node``.
"""

from __future__ import annotations

import numpy as np

from circuitlab.data import NodeType

ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


def topological_order(edge_index: np.ndarray, num_nodes: int) -> list[int]:
    indeg = np.bincount(edge_index[1], minlength=num_nodes).tolist()
    succ = [[] for _ in range(num_nodes)]
    for s, d in edge_index.T.tolist():
        succ[s].append(d)
    ready = [n for n in range(num_nodes) if indeg[n] == 0]
    order = []
    while ready:
        n = ready.pop()
        order.append(n)
        for d in succ[n]:
            indeg[d] -= 1
            if indeg[d] == 0:
                ready.append(d)
    assert len(order) == num_nodes, "the graph has a cycle"
    return order


def evaluate(data, patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Node words under ``patterns`` ([I + L, W] uint64, inputs then latch
    outputs). Returns (value of each AIG variable's node, value of each PO node)."""
    n = int(data.num_nodes)
    edges = data.edge_index.numpy()
    inverted = (data.edge_attr[:, 0].numpy() > 0 if "edge_attr" in data
                else np.zeros(edges.shape[1], dtype=bool))
    preds = [[] for _ in range(n)]
    for (s, d), inv in zip(edges.T.tolist(), inverted.tolist()):
        preds[d].append((s, inv))
    types = data.node_type.tolist()
    var_node = data.var_node.tolist()
    row_of = {var_node[1 + j]: j for j in range(len(patterns))}
    values = np.zeros((n, patterns.shape[1]), dtype=np.uint64)
    for node in topological_order(edges, n):
        ins = [values[s] ^ ONES if inv else values[s] for s, inv in preds[node]]
        kind = types[node]
        if kind == NodeType.CONST:
            assert not ins
            values[node] = 0
        elif kind == NodeType.PI:
            assert not ins
            values[node] = patterns[row_of[node]]
        elif kind == NodeType.AND:
            assert len(ins) == 2
            values[node] = ins[0] & ins[1]
        elif kind == NodeType.NOT:
            assert len(ins) == 1
            values[node] = ins[0] ^ ONES
        else:
            assert kind == NodeType.PO and len(ins) == 1
            values[node] = ins[0]
    return values[data.var_node.numpy()], values[data.po_node.numpy()]
