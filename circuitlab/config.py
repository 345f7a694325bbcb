"""Config files: a TOML (or JSON) table read into a frozen dataclass, and ``--key value``.

The one way a config is read and overridden, for every config of the
project (pre-training, experiments, task tables):

- :func:`read_table` reads a ``.toml`` or ``.json`` file into a dict; a file
  that cannot be read, is not UTF-8 or does not parse is one
  :class:`~circuitlab.errors.CircuitlabError` line naming the file (and line).
- :func:`from_dict` builds a dataclass from such a dict: a field whose
  default is a dataclass is a nested table (``[encoder]``), an unknown key
  is a :class:`~circuitlab.errors.ParamError` naming its dotted path, and
  the ranges are the dataclass's own (``__post_init__``).
- :func:`with_overrides` applies ``--key value`` / ``--key=value`` pairs
  (``-`` and ``_`` alike, ``--table.key`` for a nested table), each value
  parsed as the type of the value it replaces (``true``/``false`` for a
  boolean), then checked by the dataclass.
- :func:`flat_items` lists the dotted keys with their values, which the
  command line turns into options (``circuitlab.cli.options``).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Any

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.fsutil import read_utf8

__all__ = ["PRETRAIN_DEFAULT", "SHIPPED", "flat_items", "from_dict", "load", "parse_pairs", "parse_value",
           "read_table", "resolve", "shipped_names", "with_overrides"]

SUFFIXES = (".toml", ".json")

SHIPPED = Path(__file__).resolve().parent / "configs"
"""The configs shipped with circuitlab (package data): ``<name>.toml``."""

PRETRAIN_DEFAULT = "pretrain_default"
"""The shipped pre-training config used when none is named (MGVGA, MiniLM tokens)."""


def shipped_names() -> list[str]:
    """The names of the shipped configs (``pretrain_default``, ...)."""
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def resolve(name: str | Path) -> Path:
    """``name`` itself where it is a path (a suffix or a folder), else the shipped ``<name>.toml``.

    Raises:
        CircuitlabError: a bare name that is no shipped config.
    """
    path = Path(name)
    if path.suffix or len(path.parts) > 1:
        return path
    if not (SHIPPED / f"{path}.toml").is_file():
        raise CircuitlabError(f"{name}: no such config file, nor a shipped config "
                              f"({', '.join(shipped_names())})")
    return SHIPPED / f"{path}.toml"


def read_table(path: str | Path) -> dict:
    """The table of a ``.toml`` or ``.json`` file.

    Raises:
        CircuitlabError: one line naming the file: missing, a folder,
            unreadable, not UTF-8, not TOML / JSON, or not a table.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES and not path.is_dir():
        raise CircuitlabError(f"{path}: a config is a .toml or .json file")
    text = read_utf8(path, "config file")
    try:
        raw = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except json.JSONDecodeError as exc:
        raise CircuitlabError(f"{path}:{exc.lineno}: {exc.msg}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None
    if not isinstance(raw, dict):
        raise CircuitlabError(f"{path}: the config must be a table of keys")
    return raw


def _nested(obj_or_cls, name: str):
    """The dataclass a field holds (its default for a class), or ``None``."""
    if isinstance(obj_or_cls, type):
        f = {f.name: f for f in dataclasses.fields(obj_or_cls)}[name]
        if f.default_factory is not dataclasses.MISSING and isinstance(f.default_factory, type) \
                and dataclasses.is_dataclass(f.default_factory):
            return f.default_factory
        return f.default if dataclasses.is_dataclass(f.default) else None
    value = getattr(obj_or_cls, name)
    return value if dataclasses.is_dataclass(value) else None


def _label(cls: type, prefix: str = "") -> str:
    """``"pre-training config"`` (a class's ``CONFIG_NAME``), ``"encoder config"`` (a table)."""
    if prefix:
        return f"{prefix.rstrip('.').split('.')[-1]} config"
    return getattr(cls, "CONFIG_NAME", f"{cls.__name__} config")


def from_dict(cls: type, table: dict[str, Any], prefix: str = ""):
    """An instance of dataclass ``cls`` from ``table`` (nested tables for nested dataclasses).

    Raises:
        ParamError: an unknown key (its dotted path), a table where a value
            belongs or a value where a table belongs, or a value the
            dataclass refuses (the field's dotted path).
    """
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(table) - names)
    if unknown:
        raise ParamError(f"{prefix}{unknown[0]}", f"is not a key of the {_label(cls, prefix)}")
    values = {}
    for key, value in table.items():
        inner = _nested(cls, key)
        if inner is not None:
            if isinstance(value, dict):
                value = from_dict(inner if isinstance(inner, type) else type(inner), value,
                                  f"{prefix}{key}.")
            elif not dataclasses.is_dataclass(value):
                raise ParamError(f"{prefix}{key}", "must be a table of keys")
        elif isinstance(value, dict):
            raise ParamError(f"{prefix}{key}", "is a value, not a table")
        values[key] = value
    try:
        return cls(**values)
    except ParamError as exc:
        raise ParamError(f"{prefix}{exc.field}", exc.problem) from None
    except TypeError:  # a value of the wrong type that __post_init__ does not check
        raise ParamError(prefix.rstrip(".") or _label(cls),
                         "holds a value of the wrong type") from None


def load(cls: type, path: str | Path):
    """``from_dict(cls, read_table(path))``; every mistake is one line naming the file."""
    raw = read_table(path)
    try:
        return from_dict(cls, raw)
    except ParamError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None


def flat_items(obj) -> list[tuple[str, Any]]:
    """``(dotted key, value)`` of every leaf field of the dataclass instance ``obj``."""
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out += [(f"{f.name}.{k}", v) for k, v in flat_items(value)]
        else:
            out.append((f.name, value))
    return out


def parse_pairs(args: list[str]) -> list[tuple[str, str]]:
    """``["--a", "1", "--b=2"]`` -> ``[("--a", "1"), ("--b", "2")]``.

    Raises:
        ParamError: an argument that is not ``--key``, a key without a value.
    """
    pairs, k = [], 0
    while k < len(args):
        arg = args[k]
        if not arg.startswith("--") or len(arg) == 2:
            raise ParamError(arg, "is not an option; overrides are --key value")
        if "=" in arg:
            key, value = arg.split("=", 1)
            k += 1
        else:
            if k + 1 >= len(args):
                raise ParamError(arg, "needs a value")
            key, value = arg, args[k + 1]
            k += 2
        pairs.append((key, value))
    return pairs


def parse_value(text: str, default, flag: str):
    """``text`` as the type of ``default`` (bool: true/false/1/0; None: the text).

    Raises:
        ParamError: ``flag must be int, got 'x'``.
    """
    try:
        if isinstance(default, bool):
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return text.lower() in ("true", "1")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, Path):
            return Path(text)
        return text
    except ValueError:
        kind = "true or false" if isinstance(default, bool) else type(default).__name__
        raise ParamError(flag, f"must be {kind}, got {text!r}") from None


def with_overrides(obj, args: list[str] | list[tuple[str, str]]):
    """``obj`` (a dataclass instance) with ``--key value`` pairs applied.

    ``args`` is a list of strings (``--key value`` or ``--key=value``) or
    of ``(flag, text)`` pairs. Keys are field names, ``-`` or ``_`` alike,
    ``table.key`` for a nested dataclass.

    Raises:
        ParamError: an unknown key, a key without a value, a value that does
            not parse or that the dataclass refuses; it names the option.
    """
    pairs = parse_pairs(args) if args and isinstance(args[0], str) else list(args)
    changes: dict[str, Any] = {}
    flags: dict[str, str] = {}
    for flag, text in pairs:
        path = flag[2:].replace("-", "_").split(".")
        node, cls = changes, type(obj)
        current = obj
        for part in path[:-1]:
            if part not in {f.name for f in dataclasses.fields(cls)} \
                    or _nested(current, part) is None:
                raise ParamError(flag, f"is not a key of the {_label(type(obj))}")
            current = getattr(current, part)
            cls = type(current)
            node = node.setdefault(part, {})
        leaf = path[-1]
        if leaf not in {f.name for f in dataclasses.fields(cls)}:
            raise ParamError(flag, f"is not a key of the {_label(type(obj))}")
        if _nested(current, leaf) is not None:
            raise ParamError(flag, f"is a table; set its keys as --{leaf}.KEY VALUE")
        node[leaf] = parse_value(text, getattr(current, leaf), flag)
        flags[".".join(path)] = flag
    try:
        return _replace(obj, changes, "")
    except ParamError as exc:
        flag = flags.get(exc.field, f"--{exc.field}")
        raise ParamError(flag, exc.problem) from None


def _replace(obj, changes: dict, prefix: str):
    values = {}
    for key, value in changes.items():
        values[key] = _replace(getattr(obj, key), value, f"{prefix}{key}.") \
            if isinstance(value, dict) else value
    try:
        return dataclasses.replace(obj, **values)
    except ParamError as exc:
        raise ParamError(f"{prefix}{exc.field}", exc.problem) from None
