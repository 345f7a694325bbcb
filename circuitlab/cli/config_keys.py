"""A config's keys as command-line options: ``--key value`` for every key of a dataclass.

A command that runs from a config (``pretrain``) takes each of its keys as
``--key value`` (``--encoder.hidden 32``). The keys are the config
dataclass's fields, and building that dataclass may load torch, so the
pairs are set apart before parsing (:func:`split_config_keys`) and handed
to the config's own checked overrides (:func:`circuitlab.config.with_overrides`)
once the command has checked its files; ``--help`` alone adds an option per
key, with its help and default (:func:`add_config_keys`).
"""

from __future__ import annotations

import argparse

from circuitlab.cli.options import field_help
from circuitlab.config import flat_items

__all__ = ["CONFIG_KEYS", "add_config_keys", "split_config_keys", "take_config_keys"]

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
