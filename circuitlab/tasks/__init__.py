"""Logic-synthesis tasks on learned circuit embeddings.

Each task lives in its own module with its head, its metrics and its
non-learned baseline, and exposes one entry point with the signature::

    run(encoder, train: Sequence[Design], test: Sequence[Design],
        params: <Task>Params, seed: int, cache: Path | None) -> TaskResult

``encoder`` is a frozen :class:`circuitlab.nn.Encoder`; ``train`` and
``test`` are disjoint lists of designs; nothing from ``test`` is used for
training, early stopping or threshold choice.
"""

from circuitlab.tasks.common import Design, TaskResult, check_disjoint

__all__ = ["Design", "TaskResult", "check_disjoint"]
