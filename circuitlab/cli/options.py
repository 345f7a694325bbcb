"""Command-line options derived from the params dataclasses.

A params dataclass holds every default and, in its ``__post_init__``, every
range check. :func:`add_option` turns one of its fields into an option
whose type, default and help come from the dataclass; the command then
builds the dataclass from the parsed values, and a
:class:`~circuitlab.errors.ParamError` it raises is reported by
:func:`option_message` under the option's name, not the field's.
"""

from __future__ import annotations

import argparse
import re
import typing
from pathlib import Path

from circuitlab.errors import ParamError
from circuitlab.synth.design import DesignParams

__all__ = ["Store", "add_design_options", "add_option", "design_params", "field_help", "given",
           "map_field", "option_message", "plain"]

_OPTION_OF = "_option_of"  # namespace attribute: field name -> option string
_GIVEN = "_given"          # namespace attribute: dests set on the command line
_DESIGN_TIMEOUT = "_design_timeout"  # namespace attribute: dest of the Yosys time limit


class Store(argparse.Action):
    """``store`` that also records that the option was given."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        setattr(namespace, _GIVEN, getattr(namespace, _GIVEN, frozenset()) | {self.dest})


def plain(text: str) -> str:
    """``text`` without reStructuredText markup: ``x`` and :func:`a.b` become x and b."""
    text = re.sub(r":\w+:`~?(?:[\w.]*\.)?([^`]+)`", r"\1", text)
    return re.sub(r"``([^`]*)``", r"\1", text).strip()


def field_help(cls: type, name: str) -> str:
    """The first sentence of field ``name``'s entry in ``cls``'s docstring, markup removed."""
    lines = (cls.__doc__ or "").splitlines()
    for k, line in enumerate(lines):
        match = re.match(r"\s*((?:\w+, )*\w+): (.*)", line)
        if not match or name not in match.group(1).split(", "):
            continue
        indent = len(line) - len(line.lstrip())
        text = [match.group(2)]
        for more in lines[k + 1:]:
            if not more.strip() or len(more) - len(more.lstrip()) <= indent:
                break
            text.append(more.strip())
        return re.split(r"(?<=[a-z)])\. ", plain(" ".join(text)))[0].rstrip(".")
    return ""


def _base_type(hint):
    """``int | None`` -> ``int``."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if args else hint


def add_option(parser: argparse.ArgumentParser, params, field: str, *flags: str,
               help: str | None = None, choices=None, metavar: str | None = None,
               dest: str | None = None) -> argparse.Action:
    """Add an option setting ``field`` of the dataclass instance ``params``.

    ``params`` may also be the dataclass itself (its fields' plain
    defaults), for one whose validation loads torch.

    The option's default is ``params``' value; its type is the field's
    annotation (``int``, ``float``, ``str``, ``Path``; ``X | None`` gives
    ``X``). A ``bool`` field that defaults to true becomes a ``--no-...``
    switch that sets it false, one that defaults to false a switch that
    sets it true. The help is ``help`` or the field's docstring entry, with
    the default appended.
    """
    cls = params if isinstance(params, type) else type(params)
    hint = _base_type(typing.get_type_hints(cls)[field])
    default = getattr(params, field)
    flags = flags or (f"--{field.replace('_', '-')}",)
    text = help if help is not None else field_help(cls, field)
    kwargs: dict = {"dest": dest or field, "help": text}
    if hint is bool:
        kwargs["action"] = "store_false" if default else "store_true"
    else:
        if default is not None and "default" not in text:
            kwargs["help"] = (f"{text[:-1]}; default: {default})" if text.endswith(")")
                              else f"{text} (default: {default})")
        kwargs.update(action=Store, type=Path if hint is Path else hint,
                      choices=choices, metavar=metavar)
    kwargs["default"] = default
    action = parser.add_argument(*flags, **kwargs)
    map_field(parser, field, flags[0])
    return action


def map_field(parser: argparse.ArgumentParser, field: str, flag: str) -> None:
    """Report a :class:`ParamError` on ``field`` under the option ``flag``."""
    mapping = dict(parser.get_default(_OPTION_OF) or {})
    mapping[field] = flag
    parser.set_defaults(**{_OPTION_OF: mapping})


def given(args: argparse.Namespace, dest: str) -> bool:
    """Whether the option stored in ``dest`` was given on the command line."""
    return dest in getattr(args, _GIVEN, frozenset())


def option_message(args: argparse.Namespace, exc: ParamError) -> str:
    """``exc`` worded with the option that set its field (``--jobs must be >= 1, got 0``)."""
    flag = (getattr(args, _OPTION_OF, None) or {}).get(exc.field)
    return f"{flag} {exc.problem}" if flag else str(exc)



def add_design_options(parser: argparse.ArgumentParser, *, verilog: bool = True,
                       circuits: bool = True, timeout: str | None = "--synth-timeout") -> None:
    """Add the options of :class:`~circuitlab.synth.design.DesignParams`.

    ``verilog``: ``--top``, ``-I``, ``-D`` and the Yosys time limit, named
    ``timeout`` (``None``: the command's own dataclass holds it);
    ``circuits``: ``--bad-as-outputs``. :func:`design_params` reads them back.
    """
    defaults = DesignParams()
    if verilog:
        add_option(parser, defaults, "top", metavar="MODULE")
        parser.add_argument("-I", dest="include_dirs", action="append", default=[],
                            metavar="DIR", help=f"{field_help(DesignParams, 'include_dirs')} "
                                                "(repeatable)")
        map_field(parser, "include_dirs", "-I")
        parser.add_argument("-D", dest="defines", action="append", default=[],
                            metavar="NAME[=VAL]",
                            help=f"{field_help(DesignParams, 'defines')} (repeatable)")
        map_field(parser, "defines", "-D")
        if timeout is not None:
            dest = timeout.lstrip("-").replace("-", "_")
            add_option(parser, defaults, "timeout", timeout, metavar="S", dest=dest)
            parser.set_defaults(**{_DESIGN_TIMEOUT: dest})
    if circuits:
        add_option(parser, defaults, "bad_as_outputs")


def design_params(args: argparse.Namespace, timeout: float | None = None):
    """The :class:`~circuitlab.synth.design.DesignParams` of :func:`add_design_options`'
    options (``timeout``: the limit where the command's own dataclass holds it)."""
    fields = {"bad_as_outputs": getattr(args, "bad_as_outputs", False)}
    if hasattr(args, "include_dirs"):
        fields.update(top=args.top, include_dirs=tuple(args.include_dirs),
                      defines=tuple(args.defines))
    dest = getattr(args, _DESIGN_TIMEOUT, None)
    if timeout is not None or dest is not None:
        fields["timeout"] = timeout if timeout is not None else getattr(args, dest)
    return DesignParams(**fields)
