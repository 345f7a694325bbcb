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

__all__ = ["CONFIG_KEYS", "Store", "add_config_keys", "add_option", "field_help", "given",
           "map_field", "option_message", "plain", "split_config_keys", "take_config_keys"]

_OPTION_OF = "_option_of"  # namespace attribute: field name -> option string
_GIVEN = "_given"          # namespace attribute: dests set on the command line


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



CONFIG_KEYS = "_config_keys"  # namespace attribute: the command takes config --key value pairs


def take_config_keys(parser: argparse.ArgumentParser, add_keys) -> None:
    """Let ``parser`` take a config's keys as ``--key value`` (or ``--key=value``).

    Arguments of the form ``--key`` that are none of ``parser``'s own
    options are set apart before parsing (:func:`split_config_keys`) and
    checked later, by the config, with the command's inputs already
    checked: building the config may load torch. ``add_keys(parser)`` adds
    an option per key, for ``--help`` only.
    """
    parser.set_defaults(**{CONFIG_KEYS: []})
    parser.allow_abbrev = False  # an abbreviated own option would read as a config key
    for action in list(parser._actions):  # argparse's own --help gives way to _ConfigHelp
        if isinstance(action, argparse._HelpAction):
            parser._handle_conflict_resolve(None, [(s, action) for s in action.option_strings])
    parser.add_argument("-h", "--help", action=_ConfigHelp, add_keys=add_keys,
                        help="show this help message, with every config key, and exit")


class _ConfigHelp(argparse.Action):
    def __init__(self, option_strings, dest, add_keys, help=None):
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                         nargs=0, help=help)
        self.add_keys = add_keys

    def __call__(self, parser, namespace, values, option_string=None):
        self.add_keys(parser)
        parser.print_help()
        parser.exit()


def add_config_keys(parser: argparse.ArgumentParser, config, title: str) -> None:
    """An option ``--key VALUE`` per leaf key of ``config`` (dotted for nested tables).

    The help of each is the field's docstring entry with ``config``'s value
    as the default.
    """
    from circuitlab.config import flat_items

    group = parser.add_argument_group(title)
    for key, value in flat_items(config):
        owner = config
        for part in key.split(".")[:-1]:
            owner = getattr(owner, part)
        name = key.split(".")[-1]
        text = field_help(type(owner), name) or name
        shown = str(value).lower() if isinstance(value, bool) else value
        group.add_argument(f"--{key.replace('_', '-')}", metavar="VALUE", dest=f"_key_{key}",
                           help=f"{text} (default: {shown})")


def split_config_keys(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[list[str],
                                                                               list[str]]:
    """``argv`` without the config ``--key value`` pairs, and those pairs.

    A pair is an argument starting with ``--`` that names none of
    ``parser``'s options, with the argument after it (unless written
    ``--key=value``). ``--`` ends the options.
    """
    own = set(parser._option_string_actions)
    rest, keys, k = [], [], 0
    while k < len(argv):
        arg = argv[k]
        if arg == "--":
            rest += argv[k:]
            break
        if arg.startswith("--") and arg.split("=", 1)[0] not in own:
            keys.append(arg)
            if "=" not in arg and k + 1 < len(argv):
                keys.append(argv[k + 1])
                k += 1
        else:
            rest.append(arg)
        k += 1
    return rest, keys
