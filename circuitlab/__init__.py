"""circuitlab: circuit representation learning on And-Inverter Graphs."""

from circuitlab.aig import Aig, AigBuilder
from circuitlab.errors import CircuitlabError

__all__ = ["Aig", "AigBuilder", "CircuitlabError"]
__version__ = "0.1.0"
