"""Logic-synthesis tasks on learned circuit embeddings.

Each task lives in its own module with its head, its metrics and its
non-learned baseline, and exposes one entry point with the signature::

    run(encoder, train: Sequence[Design], test: Sequence[Design],
        params: <Task>Params, seed: int, cache: Path | None) -> TaskResult

``encoder`` is a frozen :class:`circuitlab.nn.Encoder`; ``train`` and
``test`` are disjoint lists of designs; nothing from ``test`` is used for
training, early stopping or threshold choice.

The tasks: ``qor`` (recipe ranking), ``equivalence`` (cone pairs),
``probes`` (functional probes), ``retrieval`` (a design found from its
optimised copies). ``TaskResult.baseline`` holds a task's main
non-learned baseline; a task with several records them all in
``info["baselines"]`` (name -> metrics; retrieval, equivalence and QoR:
five size counts from :mod:`circuitlab.tasks.baselines`, simulation
signatures, recipe-only), and a ranking task ``info["random_order"]``, the
expected value of a uniformly random order; the experiment report prints
each as a row beside the encoders.
"""

from circuitlab.tasks.common import Design, TaskResult, check_disjoint

__all__ = ["Design", "TaskResult", "check_disjoint"]
