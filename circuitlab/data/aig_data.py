"""The PyG graph of an AIG: :class:`AigData`."""

from __future__ import annotations

from typing import Any

from torch_geometric.data import Data

# Fields holding node indices: shifted by the node count of the graphs
# before them when graphs are batched.
NODE_INDEX_FIELDS = ("edge_index", "var_node", "po_node")


class AigData(Data):
    r"""One AIG as a directed PyG graph, edges pointing fan-in -> fan-out.

    Built by :func:`circuitlab.data.to_pyg`; the layout of the nodes is the
    same in both encodings (``V = 1 + I + L + A`` AIG variables, ``X`` NOT
    nodes, ``O`` outputs, ``L`` latches):

    ======================  =====================================================
    nodes ``0 .. V-1``      AIG variable ``v`` is node ``v``: the constant-false
                            source (``CONST``), the ``I`` primary inputs (``PI``),
                            the ``L`` latch outputs (``PI`` with ``is_latch``),
                            the ``A`` AND gates in the AIG's topological order
    nodes ``V .. V+X-1``    ``NOT`` nodes (``not_nodes`` encoding only; ``X = 0``
                            in ``edge_attr``), one per complemented edge
    next ``O`` nodes        ``PO``: one per output, its single fan-in the driver
                            of the output literal
    last ``L`` nodes        ``PO`` with ``is_latch``: the next-state function of
                            each latch (a pseudo-output)
    ======================  =====================================================

    The constant node is always present (an isolated source when nothing
    reads the constant), so ``var_node`` is total and batches safely.

    Edges come in a fixed order: first the ``2A + O + L`` fan-in edges of
    the AND nodes (edges ``2k`` and ``2k + 1`` feed AND ``k``) and then of
    the PO nodes (outputs, then latch next states); in ``not_nodes`` the
    ``X`` edges into the NOT nodes follow, in the order of the complemented
    fan-in edges they serve.

    Shapes:
        - **edge_index** ``[2, E]`` int64: source (fan-in) and target nodes;
          ``E = 2A + O + L + X``.
        - **edge_attr** ``[E, 1]`` float32, ``edge_attr`` encoding only: 1.0
          where the edge is complemented, else 0.0.
        - **node_type** ``[N]`` int64: :class:`~circuitlab.data.NodeType`
          index (PI 0, PO 1, AND 2, NOT 3, CONST 4), an integer, not one-hot
          (:class:`~circuitlab.data.OneHotNodeType` adds a one-hot ``x``).
        - **is_latch** ``[N]`` bool: the PI is a latch output, the PO a latch
          next state; false elsewhere.
        - **input_pos** ``[N]`` int64: ``k`` on the ``k``-th PI node (0-based,
          inputs then latch outputs), -1 elsewhere; not offset when batched,
          so it names an input's position within its own circuit.
        - **level** ``[N]`` int64: longest path, in edges of this graph, from a
          source (CONST, PI, latch PI; all level 0). A NOT node counts as a
          level, so in ``not_nodes`` ANDs can sit higher than their AIG level;
          in ``edge_attr`` an AND's level is its AIG level
          (:func:`circuitlab.aig.levels`). A PO is one above its fan-in.
        - **fanin** ``[N]`` int64: in-degree in this graph (2 for AND, 1 for
          NOT and PO, 0 for sources).
        - **fanout** ``[N]`` int64: out-degree in this graph; on nodes
          ``0 .. V-1`` equal to :func:`circuitlab.aig.fanout_counts` in both
          encodings (each NOT serves one edge).
        - **var_node** ``[V]`` int64: node of AIG variable ``v`` (the identity
          for one graph; offset when batched).
        - **po_node** ``[O + L]`` int64: PO node of each output, then of each
          latch next state: the row order of :func:`circuitlab.sim.simulate`.
        - **latch_init** ``[L]`` int64: latch reset values, 0, 1 or 2
          (uninitialised).
        - **num_inputs**, **num_latches**, **num_ands**, **num_outputs**,
          **num_nots** ``[1]`` int64: counts of the AIG (``I, L, A, O``) and
          of NOT nodes ``X`` (``[B]`` when batched).
        - **encoding** ``str``: ``"not_nodes"`` or ``"edge_attr"``.
        - **num_nodes** ``int``: ``N = V + X + O + L``.

    Batching (:class:`torch_geometric.loader.DataLoader`,
    :meth:`~torch_geometric.data.Batch.from_data_list`) concatenates every
    field along its first dimension (``edge_index`` along its last) and adds
    the node offset of the graph to ``edge_index``, ``var_node`` and
    ``po_node``.

    Encoding of MGVGA: Wu et al., "Circuit Representation Learning with
    Masked Gate Modeling and Verilog-AIG Alignment", ICLR 2025,
    https://arxiv.org/abs/2502.12732.
    """

    def __inc__(self, key: str, value: Any, *args, **kwargs) -> Any:
        if key in NODE_INDEX_FIELDS:
            return self.num_nodes
        return super().__inc__(key, value, *args, **kwargs)
