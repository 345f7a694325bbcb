"""Options derived from the params dataclasses: same defaults, range checks worded with the
option's name, a description for every subcommand and option."""

from __future__ import annotations

import argparse
import dataclasses
import inspect

import pytest

from circuitlab import __version__
from circuitlab.cli import COMMANDS, build_parser, command_module, main
from circuitlab.cli.options import field_help, plain
from shared_data import shared_data

# argv after the command name that leaves every option at its default
MINIMAL = {"cec": ["a.aig", "b.aig"], "opt": ["in.aig", "-o", "out.aig"],
           "optimize": ["in.aig", "-o", "out.aig"], "pipeline": []}


def _defaults():
    from circuitlab.pipeline import PipelineParams
    from circuitlab.synth.recipes import RecipeParams
    from circuitlab.optimize.small import OptimizeParams
    from circuitlab.verify.equivalence import CheckParams
    return {"cec": CheckParams(), "opt": RecipeParams(), "optimize": OptimizeParams(),
            "pipeline": PipelineParams()}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(MINIMAL))
def test_cli_defaults_are_the_dataclass_defaults(command):
    args = build_parser([command]).parse_args([command, *MINIMAL[command]])
    assert command_module(command).build_params(args) == _defaults()[command]


def test_optimize_searches_as_optimize_params_says():
    from circuitlab.optimize.small import OptimizeParams
    args = build_parser(["optimize"]).parse_args(["optimize", *MINIMAL["optimize"]])
    assert args.method == OptimizeParams().search.method == "sample"
    assert args.budget == OptimizeParams().search.budget


def test_defaults_taken_from_function_signatures():
    from circuitlab.synth.recipes import random_recipe
    from circuitlab.synth.yosys import synthesize
    from circuitlab.verify.equivalence import check_equivalence
    parsers = _subparsers(build_parser(["cec", "opt", "synth"]))
    assert parsers["cec"].parse_args(["a", "b"]).match == \
        inspect.signature(check_equivalence).parameters["match"].default
    assert parsers["opt"].parse_args(["a", "-o", "b.aig"]).length == \
        inspect.signature(random_recipe).parameters["length"].default
    assert parsers["synth"].parse_args(["a.v", "-o", "b.aig"]).timeout == \
        inspect.signature(synthesize).parameters["timeout"].default


def test_readme_command_line_shows_the_code_defaults_and_choices():
    import re
    from pathlib import Path
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    parsers = _subparsers(build_parser())
    checked = 0
    for line in section.splitlines():
        words = line.split()
        if len(words) < 2 or words[0] != "circuitlab" or words[1] not in parsers:
            continue
        options = {flag: action for action in parsers[words[1]]._actions
                   for flag in action.option_strings}
        for flag, value in re.findall(r"\[(--[\w-]+) ([^\]\s]+)\]", line):
            if value.isupper():
                continue  # a metavar such as DIR
            action = options[flag]
            if "|" in value:
                assert set(value.split("|")) == set(action.choices), (line, flag)
            else:
                assert value == str(action.default), (line, flag, action.default)
            checked += 1
    assert checked >= 8


@pytest.mark.parametrize("argv, message", [
    (["pipeline", "--jobs", "0"], "--jobs must be >= 1, got 0"),
    (["pipeline", "--jobs", "-2"], "--jobs must be >= 1, got -2"),
    (["pipeline", "--window-seconds", "0"], "--window-seconds must be > 0, got 0.0"),
    (["pipeline", "--synth-timeout", "0"], "--synth-timeout must be > 0, got 0.0"),
    (["optimize", "IN", "-o", "OUT", "--budget", "0"], "--budget must be >= 1, got 0"),
    (["optimize", "IN", "-o", "OUT", "--seed", "-1"], "--seed must be >= 0, got -1"),
    (["optimize", "IN", "-o", "OUT", "--exact-conflicts", "-1"],
     "--exact-conflicts must be >= 0, got -1"),
    (["optimize", "IN", "-o", "OUT", "--deepsyn-steps", "-2"],
     "--deepsyn-steps must be >= 0, got -2"),
    (["optimize", "IN", "-o", "OUT", "--engine", "aigverse", "--deepsyn-steps", "50"],
     "--deepsyn-steps needs ABC"),
    (["opt", "IN", "-o", "OUT", "--timeout", "0"], "--timeout must be > 0, got 0.0"),
    (["opt", "IN", "-o", "OUT", "--random-seed", "-1"], "--random-seed must be >= 0, got -1"),
    (["opt", "IN", "-o", "OUT", "--random-seed", "1", "--length", "-1"],
     "--length must be >= 0, got -1"),
    (["cec", "IN", "IN", "--conflicts", "0"], "--conflicts must be >= 1, got 0"),
    (["synth", "x.v", "-o", "OUT", "--timeout", "-5"], "--timeout must be > 0, got -5.0"),
])
def test_out_of_range_options_name_the_option(tmp_path, capsys, argv, message):
    src = str(shared_data("aig", "iscas85", "c17.aig"))
    out = tmp_path / "out.aig"
    argv = [src if a == "IN" else str(out) if a == "OUT" else a for a in argv]
    if argv[0] == "pipeline":
        argv += ["--out", str(tmp_path / "pipe")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not out.exists() and not (tmp_path / "pipe").exists()


def test_engine_aigverse_alone_drops_deepsyn():
    from circuitlab.cli.optimize_cmd import build_params
    args = build_parser(["optimize"]).parse_args(["optimize", "a.aig", "-o", "b.aig",
                                                  "--engine", "aigverse"])
    assert build_params(args).deepsyn is None


def test_bad_option_value_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["optimize", "a.aig", "-o", "b.aig", "--budget", "x"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "--budget" in err


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.strip() == f"circuitlab {__version__}"


def _all_parsers():
    top = build_parser()
    for name, parser in _subparsers(top).items():
        yield name, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield from ((f"{name} {sub}", p) for sub, p in action.choices.items())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_help_works(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    text = capsys.readouterr().out
    assert exc.value.code == 0 and f"usage: circuitlab {name}" in text and "`" not in text


def test_every_subcommand_and_option_is_described():
    top = build_parser()
    assert all(COMMANDS.values())
    for name, parser in _all_parsers():
        assert parser.description and "`" not in parser.description, name
        assert "`" not in (parser.epilog or ""), name
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help and "`" not in action.help, (name, action.dest)
    assert "`" not in top.format_help()


def test_field_help_reads_the_docstring_without_markup():
    @dataclasses.dataclass(frozen=True)
    class P:
        """Args:
            depth: how deep ``x`` goes, see :func:`a.b.walk`. More text.
            a, b: both ends.
        """
        depth: int = 3
        a: int = 0
        b: int = 0

    assert field_help(P, "depth") == "how deep x goes, see walk"
    assert field_help(P, "b") == "both ends"
    assert plain("``circuitlab opt``:") == "circuitlab opt:"
