"""circuitlab: circuit representation learning on And-Inverter Graphs."""

from circuitlab.errors import CircuitlabError

__all__ = ["Aig", "AigBuilder", "CircuitlabError"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Aig and AigBuilder load numpy: imported on first use, so `circuitlab --help` starts fast
    if name in ("Aig", "AigBuilder"):
        from circuitlab import aig
        return getattr(aig, name)
    raise AttributeError(f"module 'circuitlab' has no attribute {name!r}")
