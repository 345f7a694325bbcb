"""An experiment config file: :func:`load_config` -> :class:`ExperimentConfig`.

A TOML file (``experiments/configs/tasks.toml`` is the full protocol)::

    seeds = [0, 1, 2]                  # at least 3, distinct, >= 0
    data_root = "data"                 # optional; the fetched suites (default: the
                                       # `circuitlab data fetch` cache)
    cache = "../cache"                 # optional; AIGs, pre-trained encoders, task data
    results = "../results/tasks.jsonl" # optional; the JSON lines

    [designs]
    train = ["alu4", "iscas85/c432"]   # see circuitlab.protocol.designs
    test = ["maj5", "epfl/adder"]

    [[encoders]]                       # one cell per table
    name = "mgvga-m16"
    kind = "pretrain"                  # "random", "shipped" or "pretrain"
    pretrain = "pretrain_default"      # a PretrainConfig file, or a shipped config's name
    overrides = { steps = 400, "encoder.backbone" = "sage" }
    stream = "../../corpus/rtl"        # optional: pre-train on this built corpus, streamed,
                                       # in place of the training designs (mgm, graphmae, sim)

    [tasks.qor]                        # passed as QorParams(**table)
    recipes = 32

    [quick]                            # what --quick changes
    seeds = [0, 1, 2]
    designs = { train = [...], test = [...] }
    encoders = ["random", "mgvga-m16"] # the cells kept
    encoder_overrides = { steps = 20 } # added to every pretrain cell's overrides
    tasks = { qor = { recipes = 4 } }  # merged into the task tables

Relative paths are relative to the config file's folder. Every mistake
(an unknown key anywhere, a bad value, a missing design, a design in both
splits) raises one :class:`~circuitlab.errors.CircuitlabError` line naming
the file, before any work starts.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from circuitlab import config as config_file
from circuitlab.datasets.fingerprint import fingerprint
from circuitlab.errors import CircuitlabError, ParamError, require_at_least
from circuitlab.protocol.designs import DesignSource, locate
from circuitlab.protocol.registry import resolve_task
from circuitlab.tasks import check_disjoint

KINDS = ("random", "shipped", "pretrain")
MIN_SEEDS = 3

_TOP = ("seeds", "data_root", "cache", "results", "designs", "encoders", "tasks", "quick")
_DESIGNS = ("train", "test")
_CELL = ("name", "kind", "pretrain", "overrides", "stream")
_QUICK = ("seeds", "designs", "encoders", "encoder_overrides", "tasks")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class EncoderCell:
    """One encoder of the comparison.

    Attributes:
        name: the cell's label in results and tables.
        kind: ``"random"`` (freshly initialised, seeded by the run's seed),
            ``"shipped"`` (:func:`~circuitlab.nn.load_default_encoder`) or
            ``"pretrain"`` (pre-trained on the training designs, seeded).
        config: the resolved pre-training config (its encoder is the random
            cell's architecture); ``None`` for ``"shipped"``.
        stream: a ``"pretrain"`` cell's built corpus (``circuitlab dataset
            build``), streamed in place of the training designs; ``None``: the
            training designs.
    """

    name: str
    kind: str
    config: Any = None
    stream: Path | None = None

    def to_dict(self) -> dict:
        config = None
        if self.config is not None:
            config = {k: v for k, v in self.config.to_dict().items() if k != "seed"}
            if self.kind == "random":
                config = {"encoder": config["encoder"]}
        out = {"name": self.name, "kind": self.kind, "config": config}
        if self.stream is not None:
            out["stream"] = str(self.stream)
        return out


@dataclass(frozen=True)
class ExperimentConfig:
    """A resolved experiment: what :func:`~circuitlab.protocol.run_experiment` runs.

    Attributes:
        path: the config file.
        seeds: the seeds; every (seed, encoder, task) cell runs once.
        train: the training designs (pre-training and task heads).
        test: the held-out designs (task metrics only).
        encoders: the encoder cells, in config order.
        tasks: ``(task name, params)`` pairs, in config order.
        data_root: folder of the fetched suites (:mod:`circuitlab.suites`).
        cache: folder of synthesised AIGs, pre-trained encoders and task data.
        results: the JSON-lines file of the results.
        quick: whether the ``[quick]`` overrides were applied.
    """

    path: Path
    seeds: tuple[int, ...]
    train: tuple[DesignSource, ...]
    test: tuple[DesignSource, ...]
    encoders: tuple[EncoderCell, ...]
    tasks: tuple[tuple[str, Any], ...]
    data_root: Path
    cache: Path
    results: Path
    quick: bool = False

    def to_dict(self) -> dict:
        """Everything that decides the numbers (JSON types), plus seeds and the quick flag."""
        d = {"seeds": list(self.seeds), "quick": self.quick,
             "train": [s.spec for s in self.train], "test": [s.spec for s in self.test],
             "encoders": [c.to_dict() for c in self.encoders],
             "tasks": {name: asdict(params) for name, params in self.tasks}}
        return json.loads(json.dumps(d, default=str))

    def config_hash(self) -> str:
        """16 hex digits naming designs, encoders and task params (not seeds or paths)."""
        d = self.to_dict()
        return fingerprint("experiment", {k: d[k] for k in ("train", "test", "encoders",
                                                           "tasks")})


@dataclass(frozen=True)
class RunOptions:
    """What ``circuitlab experiment run`` changes in a config, and how it runs.

    Attributes:
        quick: apply the config's ``[quick]`` section (results go to
            ``*-quick.jsonl``).
        data_root: folder of the fetched suites, as ``circuitlab data fetch SUITE --dest
            DIR`` leaves them (default: the config's ``data_root``, else the fetch cache).
        cache: AIG, encoder and task cache (default: the config's ``cache``).
        results: JSON-lines results file (default: the config's ``results``).
        threads: torch threads (default: the machine's rule,
            :func:`circuitlab.training.threads.thread_count`).
    """

    quick: bool = False
    data_root: Path | None = None
    cache: Path | None = None
    results: Path | None = None
    threads: int | None = None

    def __post_init__(self):
        if self.threads is not None:
            require_at_least(self.threads, 1, "threads")


def load_config(path: str | Path, *, quick: bool = False, data_root: str | Path | None = None,
                cache: str | Path | None = None,
                results: str | Path | None = None) -> ExperimentConfig:
    """Read and check an experiment config; ``data_root``, ``cache``, ``results`` override it.

    Raises:
        CircuitlabError: one line naming the file and the key at fault.
    """
    path = Path(path)
    if path.suffix != ".toml":
        raise CircuitlabError(f"{path}: an experiment config is a .toml file")
    raw = config_file.read_table(path)
    try:
        return _resolve(path, raw, quick, data_root, cache, results)
    except CircuitlabError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None


def _resolve(path, raw, quick, data_root, cache, results) -> ExperimentConfig:
    base = path.parent
    _known(raw, _TOP, "")
    designs = _table(raw.get("designs", {}), "designs")
    _known(designs, _DESIGNS, "designs.")
    q = _table(raw.get("quick", {}), "quick")
    _known(q, _QUICK, "quick.")
    qd = _table(q.get("designs", {}), "quick.designs")
    _known(qd, _DESIGNS, "quick.designs.")
    seeds = _seeds(raw.get("seeds"), "seeds")
    if "seeds" in q:
        quick_seeds = _seeds(q["seeds"], "quick.seeds")
        seeds = quick_seeds if quick else seeds
    if data_root is None:
        from circuitlab.suites import default_cache_dir
        data_root = _path(base, raw.get("data_root"), "data_root", default_cache_dir())
    root = Path(data_root)
    where = {k: f"quick.designs.{k}" if quick and k in qd else f"designs.{k}" for k in _DESIGNS}
    designs = {**designs, **qd} if quick else designs
    splits = {k: _design_list(designs.get(k), where[k], root) for k in _DESIGNS}
    check_disjoint(splits["train"], splits["test"])
    cells = _cells(raw.get("encoders"), base, q, quick)
    tasks = _tasks(raw.get("tasks"), q.get("tasks", {}), quick)
    if cache is None:
        from circuitlab.suites import default_cache_dir
        cache = _path(base, raw.get("cache"), "cache", default_cache_dir() / "experiment")
    if results is None:
        results = _path(base, raw.get("results"), "results", base / f"{path.stem}.jsonl")
        if quick:
            results = results.with_name(f"{results.stem}-quick{results.suffix}")
    return ExperimentConfig(path, seeds, splits["train"], splits["test"], cells, tasks,
                            root, Path(cache), Path(results), quick)


def _known(table: dict, keys: tuple[str, ...], prefix: str) -> None:
    unknown = [k for k in table if k not in keys]
    if unknown:
        raise CircuitlabError(f"unknown key '{prefix}{unknown[0]}' (known: {', '.join(keys)})")


def _table(value, key: str) -> dict:
    if not isinstance(value, dict):
        raise CircuitlabError(f"{key} must be a table")
    return value


def _path(base: Path, value, key: str, default: Path) -> Path:
    if value is None:
        return default
    if not isinstance(value, str) or not value:
        raise CircuitlabError(f"{key} must be a path (a string)")
    return base / value


def _seeds(value, key: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in value):
        raise CircuitlabError(f"{key} must be a list of integers >= 0, got {value!r}")
    if len(set(value)) != len(value):
        raise CircuitlabError(f"{key} lists a seed twice: {value}")
    if len(value) < MIN_SEEDS:
        raise CircuitlabError(f"{key} needs at least {MIN_SEEDS} seeds (a mean and a "
                              f"confidence interval per cell), got {len(value)}")
    return tuple(value)


def _design_list(value, key: str, root: Path) -> tuple[DesignSource, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise CircuitlabError(f"{key} must be a non-empty list of design names")
    sources = tuple(locate(spec, root) for spec in value)
    names = [s.name for s in sources]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CircuitlabError(f"{key} lists design {twice[0]!r} twice")
    return sources


def _cells(value, base: Path, q: dict, quick: bool) -> tuple[EncoderCell, ...]:
    from circuitlab.pretrain.config import PretrainConfig  # imports the encoders: torch

    if not isinstance(value, list) or not value:
        raise CircuitlabError("encoders must be a list of [[encoders]] tables")
    extra = _table(q.get("encoder_overrides", {}), "quick.encoder_overrides")
    _overridden(PretrainConfig(), extra, "quick.encoder_overrides")
    extra = extra if quick else {}
    cells = [_cell(_table(v, f"encoders[{k}]"), k, base, extra) for k, v in enumerate(value)]
    names = [c.name for c in cells]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CircuitlabError(f"two encoders are named {twice[0]!r}")
    if "encoders" in q:
        keep = q["encoders"]
        if not isinstance(keep, list) or not keep or not all(n in names for n in keep):
            raise CircuitlabError(f"quick.encoders must list names of encoders "
                                  f"({', '.join(names)}), got {keep!r}")
        cells = [c for c in cells if c.name in keep or not quick]
    return tuple(cells)


def _cell(table: dict, k: int, base: Path, extra: dict) -> EncoderCell:
    where = f"encoders[{k}]"
    _known(table, _CELL, f"{where}.")
    name, kind = table.get("name"), table.get("kind")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise CircuitlabError(f"{where}.name must be letters, digits, '_.+-', got {name!r}")
    if kind not in KINDS:
        raise CircuitlabError(f"{where}.kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if kind != "pretrain" and "stream" in table:
        raise CircuitlabError(f"{where}.stream: only a pretrain cell pre-trains on a corpus")
    if kind == "shipped":
        extra = [key for key in ("pretrain", "overrides") if key in table]
        if extra:
            raise CircuitlabError(f"{where}.{extra[0]}: the shipped encoder takes no {extra[0]}")
        return EncoderCell(name, kind)
    from circuitlab.pretrain.config import PretrainConfig  # imports the encoders: torch

    if "pretrain" in table:
        file = table["pretrain"]
        shipped = isinstance(file, str) and file and not Path(file).suffix \
            and len(Path(file).parts) == 1
        config = PretrainConfig.load(config_file.resolve(file) if shipped
                                     else _path(base, file, f"{where}.pretrain", base))
    elif kind == "pretrain":
        raise CircuitlabError(f"{where}.pretrain: a pretrain cell needs a pre-training config")
    else:
        config = PretrainConfig()
    overrides = _table(table.get("overrides", {}), f"{where}.overrides")
    config = _overridden(config, overrides, f"{where}.overrides")
    if kind == "pretrain":
        config = _overridden(config, extra, "quick.encoder_overrides")
    stream = None
    if "stream" in table:
        stream = _path(base, table["stream"], f"{where}.stream", base)
        if not stream.is_dir():
            raise CircuitlabError(f"{where}.stream: {stream} is not a folder; build the corpus "
                                  "with 'circuitlab dataset build rtl|recipes'")
        if config.stored_objectives:
            raise CircuitlabError(f"{where}.stream: a streamed corpus has no stored targets "
                                  f"or text; the {config.stored_objectives[0]} objective "
                                  "needs them (stream mgm, graphmae or sim)")
    return EncoderCell(name, kind, config, stream)


def _overridden(config, overrides: dict, where: str):
    """``config`` with ``{key: value}`` applied as ``--key value`` (``encoder.KEY`` too)."""
    args = []
    for key, value in overrides.items():
        if isinstance(value, (dict, list)):
            raise CircuitlabError(f"{where}.{key} must be a number, string or boolean")
        args += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    try:
        return config.with_overrides(args)
    except ParamError as exc:
        raise CircuitlabError(f"{where}.{exc.field.removeprefix('--')} {exc.problem}") from None


def _tasks(value, q, quick: bool) -> tuple[tuple[str, Any], ...]:
    tasks = _table(value if value is not None else {}, "tasks")
    if not tasks:
        raise CircuitlabError("no [tasks.NAME] table: name at least one task")
    resolved = {name: resolve_task(name)[1] for name in tasks}
    q = _table(q, "quick.tasks")
    extra = [name for name in q if name not in tasks]
    if extra:
        raise CircuitlabError(f"quick.tasks.{extra[0]} is not a task of [tasks]")
    out = []
    for name, table in tasks.items():
        params_cls = resolved[name]
        plain = _params(name, params_cls, _table(table, f"tasks.{name}"), f"tasks.{name}")
        merged = {**table, **_table(q.get(name, {}), f"quick.tasks.{name}")}
        fast = _params(name, params_cls, merged, f"quick.tasks.{name}")
        out.append((name, fast if quick else plain))
    return tuple(out)


def _params(name: str, params_cls: type, table: dict, where: str):
    _known(table, tuple(f.name for f in fields(params_cls)), f"{where}.")
    try:
        return config_file.from_dict(params_cls, table)
    except ParamError as exc:
        raise CircuitlabError(f"{where}.{exc.field} {exc.problem}") from None
    except (TypeError, ValueError) as exc:
        raise CircuitlabError(f"{where}: {exc}") from None
