"""A config's keys on the command line: set apart from the command's own options."""

from __future__ import annotations

import argparse

from circuitlab.cli.config_keys import split_config_keys, take_config_keys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("config", nargs="?")
    parser.add_argument("--out")
    take_config_keys(parser, lambda p: None)
    return parser


def test_keys_are_set_apart_wherever_they_stand():
    rest, keys = split_config_keys(_parser(), ["--steps", "5", "cfg.toml", "--out", "d",
                                               "--lr=1e-3", "--encoder.hidden", "8"])
    assert rest == ["cfg.toml", "--out", "d"]
    assert keys == ["--steps", "5", "--lr=1e-3", "--encoder.hidden", "8"]


def test_own_options_are_not_abbreviated_and_double_dash_ends_the_options():
    parser = _parser()
    rest, keys = split_config_keys(parser, ["--ou", "d", "--", "--steps"])
    assert (rest, keys) == (["--", "--steps"], ["--ou", "d"])
    assert parser.parse_args(["cfg.toml"]).config == "cfg.toml"


def test_a_key_without_its_value_is_kept_for_the_config_to_refuse():
    assert split_config_keys(_parser(), ["--out", "d", "--steps"]) == (["--out", "d"],
                                                                        ["--steps"])
