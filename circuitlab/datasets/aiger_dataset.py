"""AigerDataset: a folder of circuit files (.aig, .aag, .bench) as AIG graphs."""

from __future__ import annotations

from circuitlab.datasets.folder_dataset import FolderDataset
from circuitlab.datasets.sources import AIGER_SUFFIXES

__all__ = ["AigerDataset"]


class AigerDataset(FolderDataset):
    r"""One graph per ``.aig``, ``.aag`` or ``.bench`` file of a folder.

    Read with :func:`circuitlab.io.formats.read_circuit` and encoded by
    :func:`circuitlab.data.to_pyg`; a malformed file is skipped and listed in
    :attr:`report` (``failed``) and on stderr.

    Fields added to each :class:`~circuitlab.data.AigData`:
        - **design** ``str``: the file's stem.

    Args: as :class:`~circuitlab.datasets.VerilogAigDataset`.
    """

    suffixes = AIGER_SUFFIXES
    kind = "aiger"
