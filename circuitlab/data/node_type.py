"""The node-type vocabulary shared by every graph encoding of an AIG."""

from __future__ import annotations

from enum import IntEnum


class NodeType(IntEnum):
    """Integer type index of a graph node (the ``node_type`` field).

    The first four values are the vocabulary of the MGVGA release
    (github.com/wuhy68/MGVGA, ``num_classes = 4``: PI 0, PO 1, AND 2, NOT 3),
    so a model trained on those graphs reads ours unchanged; ``CONST`` is
    the constant-false source, which MGVGA's graphs do not have.
    """

    PI = 0
    PO = 1
    AND = 2
    NOT = 3
    CONST = 4


NUM_NODE_TYPES = len(NodeType)
