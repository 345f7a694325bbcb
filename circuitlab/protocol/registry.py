"""Task names of an experiment config -> the task's ``run`` and params class.

Each task module of :mod:`circuitlab.tasks` exposes ``run(encoder, train,
test, params, seed, cache) -> TaskResult`` and a frozen params dataclass;
the registry names the module and the class, and imports them only when a
config uses the task (so a config naming only one task needs only that one).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, is_dataclass

from circuitlab.errors import CircuitlabError


@dataclass(frozen=True)
class TaskSpec:
    """Where a task lives: ``module`` (dotted path) and its params class' name."""

    module: str
    params: str


TASKS: dict[str, TaskSpec] = {
    "qor": TaskSpec("circuitlab.tasks.qor", "QorParams"),
    "equivalence": TaskSpec("circuitlab.tasks.equivalence", "EquivalenceTaskParams"),
    "probes": TaskSpec("circuitlab.tasks.probes", "ProbeParams"),
    "retrieval": TaskSpec("circuitlab.tasks.retrieval", "RetrievalParams"),
}
"""Task name (a ``[tasks.NAME]`` table of a config) -> where it lives."""


def register_task(name: str, module: str, params: str) -> None:
    """Add (or replace) task ``name``: ``module.run`` with ``module.<params>``."""
    TASKS[name] = TaskSpec(module, params)


def resolve_task(name: str) -> tuple[Callable, type]:
    """The ``run`` function and params class of task ``name``.

    Raises:
        CircuitlabError: an unknown name, or a module that does not import or
            lacks ``run`` / the params dataclass.
    """
    spec = TASKS.get(name)
    if spec is None:
        raise CircuitlabError(f"unknown task {name!r} (known: {', '.join(sorted(TASKS))})")
    try:
        module = importlib.import_module(spec.module)
    except ImportError as exc:
        raise CircuitlabError(f"task {name!r}: cannot import {spec.module} ({exc})") from None
    run = getattr(module, "run", None)
    params = getattr(module, spec.params, None)
    if not callable(run) or not (isinstance(params, type) and is_dataclass(params)):
        raise CircuitlabError(f"task {name!r}: {spec.module} lacks run() or the dataclass "
                              f"{spec.params}")
    return run, params
