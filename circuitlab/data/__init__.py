"""The bridge from AIGs to PyTorch Geometric graphs.

The only package of circuitlab in which circuits become tensors:
``circuitlab.aig`` and the rest of the circuit core never import torch.
"""

from circuitlab.data.aig_data import NODE_INDEX_FIELDS, AigData
from circuitlab.data.encodings import ENCODINGS, to_pyg
from circuitlab.data.node_type import NUM_NODE_TYPES, NodeType
from circuitlab.data.transforms import OneHotNodeType

__all__ = ["ENCODINGS", "NODE_INDEX_FIELDS", "NUM_NODE_TYPES", "AigData", "NodeType",
           "OneHotNodeType", "to_pyg"]
