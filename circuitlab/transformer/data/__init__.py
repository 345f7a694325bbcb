"""Training pairs for the Circuit Transformer: sources, windows, labels, datasets.

Sources are random AND graphs or structured random functions
(:mod:`.generate`) or windows cut from real circuits
(:mod:`circuitlab.aig.windows`);
labels are the smallest equivalent circuits classical synthesis finds
(:mod:`.labels`); :mod:`.build` builds and caches the pairs, :mod:`.dataset`
holds and splits them.
Never imports torch.
"""

from circuitlab.transformer.data.augment import relabelled_pairs
from circuitlab.transformer.data.build import DataSpec, build_pair_dataset, cache_path
from circuitlab.transformer.data.dataset import PairDataset, remove_functions, split_pairs
from circuitlab.transformer.data.generate import (
    random_circuit, random_circuits, truth_circuit, truth_circuits,
)
from circuitlab.transformer.data.labels import (
    Label, LabelParams, LabelSummary, label_circuits, label_stats,
)

__all__ = ["DataSpec", "Label", "LabelParams", "LabelSummary", "PairDataset", "build_pair_dataset",
           "cache_path", "label_circuits", "label_stats", "random_circuit", "random_circuits",
           "relabelled_pairs", "remove_functions", "split_pairs", "truth_circuit", "truth_circuits"]
