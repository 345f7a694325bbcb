"""VerilogAigDataset: a folder of Verilog designs, synthesised into AIG graphs."""

from __future__ import annotations

from circuitlab.datasets.folder_dataset import FolderDataset
from circuitlab.datasets.sources import VERILOG_SUFFIXES

__all__ = ["VerilogAigDataset"]


class VerilogAigDataset(FolderDataset):
    r"""One graph per Verilog design of a folder (``<name>.v`` plus ``<name>.txt``).

    Each design is synthesised with :func:`circuitlab.synth.synthesize`
    (Yosys picks the top module) and encoded by
    :func:`circuitlab.data.to_pyg`. A design Yosys rejects is skipped and
    listed in :attr:`report` (``failed``) and on stderr.

    Fields added to each :class:`~circuitlab.data.AigData`:
        - **design** ``str``: the file's stem.
        - **verilog** ``str``: the Verilog text.
        - **top** ``str``: the top module (the one no other module instantiates).
        - **description** ``str``: the ``.txt`` beside the design, ``""`` if none.

    Args:
        root: dataset folder (``items/`` and ``processed/`` go there).
        source: the folder of designs (PyG's ``raw_dir``).
        encoding: ``"not_nodes"`` or ``"edge_attr"``.
        transform, pre_transform, pre_filter: as in PyG.
        options: :class:`~circuitlab.datasets.BuildOptions` (jobs, Ray, progress).
    """

    suffixes = VERILOG_SUFFIXES
    kind = "verilog"
