"""Conversion between :class:`~circuitlab.aig.Aig` and aigverse networks.

aigverse (https://github.com/marcelwa/aigverse) wraps mockturtle's AIG;
the conversions here are combinational: cut the latches of a sequential
``Aig`` first (:meth:`Aig.cut_latches`) and put them back afterwards.

Speed: both directions avoid a Python loop over nodes. ``to_aigverse``
hands the AND rows to aigverse as one index list (a flat literal list
decoded in C++), or, when names are kept, as an in-memory binary AIGER
file read by aigverse's C++ reader; ``from_aigverse`` reads the network's
edge arrays (``to_graph_tensors``) and renumbers them with numpy. On the
EPFL ``hyp`` circuit (214k ANDs) each direction takes about 0.1 s.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from aigverse.algorithms import cleanup_dangling
from aigverse.io import read_aiger_into_aig
from aigverse.networks import Aig as AigverseAig
from aigverse.networks import AigIndexList, NamedAig

from circuitlab.aig.aig import LIT_DTYPE, Aig
from circuitlab.errors import CircuitlabError
from circuitlab.io.aiger import dump_aiger

__all__ = ["from_aigverse", "to_aigverse"]


def to_aigverse(aig: Aig, names: bool = True) -> AigverseAig:
    """The aigverse network of a combinational ``aig``.

    Primary input ``k`` of ``aig`` becomes aigverse PI ``k`` and output ``k``
    PO ``k``. aigverse's ``create_and`` strashes and folds constants, so
    duplicate or trivial AND rows of ``aig`` do not become nodes.

    Args:
        aig: a combinational circuit; for a sequential one pass
            ``aig.cut_latches()`` (latch outputs become the last inputs, next-state
            functions the last outputs).
        names: return a :class:`aigverse.networks.NamedAig` carrying the
            input and output names (built through aigverse's binary AIGER
            reader, ~1.5x slower); ``False`` returns a plain
            :class:`aigverse.networks.Aig` (built from an index list). The
            aigverse optimisation algorithms return plain networks either way.

    Raises:
        CircuitlabError: when ``aig`` has latches.
    """
    if not aig.is_combinational:
        raise CircuitlabError(f"to_aigverse takes a combinational Aig; this one has "
                              f"{aig.num_latches} latches (use cut_latches())")
    if names:
        with tempfile.TemporaryDirectory(prefix="circuitlab-aigverse-") as tmp:
            path = Path(tmp) / "net.aig"
            path.write_bytes(dump_aiger(aig, binary=True, symbols=True, comments=False))
            return read_aiger_into_aig(str(path))
    # xag index list with a separate header: I, O, A, then one (lit0, lit1) pair
    # per AND with lit0 <= lit1 (lit0 > lit1 would mean XOR), then the outputs.
    header = np.array([aig.num_inputs, aig.num_outputs, aig.num_ands], dtype=LIT_DTYPE)
    raw = np.concatenate([header, np.sort(aig.ands, axis=1).ravel(), aig.outputs])
    return AigIndexList(raw.tolist()).to_aig()


def from_aigverse(net: AigverseAig) -> Aig:
    """The :class:`~circuitlab.aig.Aig` of an aigverse network.

    Works on any combinational aigverse ``Aig``: gates are renumbered into
    AIGER order, inputs keep their PI order and outputs their PO order. A
    network holding dead nodes or gates out of topological order (left by
    in-place algorithms) is first rebuilt with aigverse's
    ``cleanup_dangling``, which also drops dangling gates; otherwise
    dangling gates are kept (see :func:`circuitlab.aig.cleanup`). Names come
    from a ``NamedAig`` where it has them; the rest default to
    ``i<k>``/``o<k>``.

    Raises:
        CircuitlabError: for a sequential network.
    """
    if not net.is_combinational:
        raise CircuitlabError("from_aigverse takes a combinational aigverse network")
    in_names, out_names = _names(net, int(net.num_pis), int(net.num_pos))
    # With dead nodes the edge arrays mix compacted and raw node indices.
    edges = None
    if int(net.size) == 1 + int(net.num_pis) + int(net.num_gates):
        edges = _edges(net)
    if edges is None:  # cleanup_dangling rebuilds in topological order, without dead nodes
        net = cleanup_dangling(net)
        edges = _edges(net)
        if edges is None:
            raise CircuitlabError("aigverse network is not in topological order after cleanup")
    pis, gates, fanins, fanin_inv, po_src, po_inv = edges
    new_var = np.full(int(net.size), -1, dtype=LIT_DTYPE)
    new_var[0] = 0
    new_var[pis] = np.arange(1, len(pis) + 1, dtype=LIT_DTYPE)
    new_var[gates] = np.arange(len(pis) + 1, len(pis) + 1 + len(gates), dtype=LIT_DTYPE)
    ands = np.sort(2 * new_var[fanins] + fanin_inv, axis=1)[:, ::-1]
    outputs = 2 * new_var[po_src] + po_inv
    return Aig(len(pis), ands, outputs, input_names=in_names, output_names=out_names)


def _edges(net: AigverseAig):
    """PI nodes, gate nodes in index order, their ``[G, 2]`` fan-in nodes and
    complements, PO driver nodes and complements; ``None`` when the node
    index order is not topological."""
    size = int(net.size)
    tensors = net.to_graph_tensors(levels=False)
    src, dst = np.asarray(tensors["edge_index"], dtype=LIT_DTYPE)
    inverted = (np.asarray(tensors["edge_attr"]).reshape(-1) != 0).astype(LIT_DTYPE)
    n = 2 * int(net.num_gates)  # two fan-in edges per gate, then one edge per PO
    if (len(dst) != n + int(net.num_pos) or (dst[:n] >= size).any()
            or not np.array_equal(dst[:n:2], dst[1:n:2])):
        raise CircuitlabError("unexpected edge layout from aigverse to_graph_tensors")
    gates = dst[:n:2]
    fanins = src[:n].reshape(-1, 2)
    is_gate = np.zeros(size, dtype=bool)
    is_gate[gates] = True
    if not (np.all(np.diff(gates) > 0) and np.all(~is_gate[fanins] | (fanins < gates[:, None]))):
        return None
    pis = np.asarray(net.pis(), dtype=LIT_DTYPE)
    return pis, gates, fanins, inverted[:n].reshape(-1, 2), src[n:], inverted[n:]


def _names(net: AigverseAig, num_pis: int, num_pos: int) -> tuple[list[str], list[str]]:
    in_names = [f"i{k}" for k in range(num_pis)]
    out_names = [f"o{k}" for k in range(num_pos)]
    if isinstance(net, NamedAig):
        for k, node in enumerate(net.pis()):
            signal = net.make_signal(node)
            if net.has_name(signal):
                in_names[k] = net.get_name(signal)
        for k in range(num_pos):
            if net.has_output_name(k):
                out_names[k] = net.get_output_name(k)
    return in_names, out_names
