"""One checkpoint format for every model: a format tag, the model's kind, its config, its state.

A checkpoint is one ``torch.save`` file holding a dict::

    {"format": FORMAT, "kind": "pretrain" | "transformer" | "qor" | ...,
     "config": {...},  # the resolved config, plain data: the file loads with nothing else
     **state}          # "model" and "step" at least; a training run adds "optimizer", ...

Written atomically (a temporary file, then a rename); read with
``weights_only=True``, so a foreign file is an error naming it, never code run
or a traceback. The loaders of each model live beside the model and turn
``config`` and ``state`` back into it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import torch

from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import atomic_path

__all__ = ["FORMAT", "check_same_config", "load_checkpoint", "loading", "save_checkpoint"]

FORMAT = "circuitlab-checkpoint/1"


def save_checkpoint(path: str | Path, kind: str, config: dict, state: dict) -> None:
    """Write a checkpoint of ``kind`` atomically to ``path``.

    Args:
        kind: what the file holds, checked on loading (``"pretrain"``, ``"qor"``, ...).
        config: the resolved config as plain data (dicts, lists, numbers, strings).
        state: everything else (``"model"`` weights, ``"step"``, ...); must not
            use the keys ``format``, ``kind`` or ``config``.
    """
    clash = {"format", "kind", "config"} & set(state)
    if clash:
        raise ValueError(f"checkpoint state may not hold {sorted(clash)}")
    with atomic_path(path) as tmp:
        torch.save({"format": FORMAT, "kind": kind, "config": config, **state}, tmp)


def load_checkpoint(path: str | Path, kind: str, label: str | None = None,
                    legacy: Callable[[dict], dict | None] | None = None,
                    map_location="cpu") -> dict:
    """The dict of a checkpoint of ``kind`` (``format``, ``kind``, ``config`` and the state).

    Args:
        label: how messages name the kind (``"pre-training"``); default ``kind``.
        legacy: turns a file of an older layout into this one's dict, or
            returns ``None`` when it does not know the file.

    Raises:
        CircuitlabError: one line naming ``path``: missing, a folder, not a
            file written by ``torch.save``, or not a checkpoint of ``kind``.
    """
    path, label = Path(path), label or kind
    if path.is_dir():
        raise CircuitlabError(f"{path}: is a folder, not a checkpoint")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except FileNotFoundError:
        raise CircuitlabError(f"{path}: no such checkpoint") from None
    except Exception:  # torch.load raises whatever its unpickler meets in a foreign file
        raise CircuitlabError(f"{path}: not a circuitlab checkpoint (not a file written by "
                              "torch.save)") from None
    if isinstance(state, dict) and state.get("format") != FORMAT and legacy is not None:
        state = legacy(state) or state
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CircuitlabError(f"{path}: not a circuitlab {label} checkpoint")
    if state.get("kind") != kind:
        raise CircuitlabError(f"{path}: not a circuitlab {label} checkpoint (it holds a "
                              f"{state.get('kind')!s} model)")
    if not isinstance(state.get("config"), dict):
        raise CircuitlabError(f"{path}: not a circuitlab {label} checkpoint (no config)")
    return state


@contextlib.contextmanager
def loading(path: str | Path, what: str) -> Iterator[None]:
    """Turn what goes wrong building a model from a checkpoint into one line naming ``path``.

    ``what`` names the model (``"the encoder"``): ``"{path}: the encoder does
    not load (<first line of the problem, and the next after a colon>)"``.
    """
    try:
        yield
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError,
            CircuitlabError) as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        problem = " ".join(lines[:2] if lines and lines[0].endswith(":") else lines[:1])
        problem = problem[:200] if problem else type(exc).__name__
        raise CircuitlabError(f"{path}: {what} does not load ({problem})") from None


def check_same_config(path: str | Path, saved: dict, wanted: dict,
                      ignore: tuple[str, ...] = (), hint: str = "") -> None:
    """Refuse to resume a run of config ``wanted`` from a checkpoint saved under ``saved``.

    Nested dicts compare key by key (``encoder.hidden``); top-level keys in
    ``ignore`` (the step count, intervals, device) may differ.

    Raises:
        CircuitlabError: ``"{path}: saved with a different configuration
            (differs in a, b.c){hint}"``.
    """
    mine, theirs = _flat(wanted, ignore), _flat(saved, ignore)
    differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
    if differ:
        raise CircuitlabError(f"{path}: saved with a different configuration (differs in "
                              f"{', '.join(differ)}){hint}")


def _flat(config: dict, ignore: tuple[str, ...] = (), prefix: str = "") -> dict:
    flat = {}
    for key, value in config.items():
        if not prefix and key in ignore:
            continue
        if isinstance(value, dict) and value:
            flat.update(_flat(value, (), f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat
