"""The one config mechanism: a TOML/JSON table into a frozen dataclass, checked overrides."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from circuitlab import config as cf
from circuitlab.errors import CircuitlabError, ParamError, require_at_least


@dataclass(frozen=True)
class Inner:
    """Args:
        width: how wide.
        name: a label.
    """

    width: int = 4
    name: str = "a"

    def __post_init__(self):
        require_at_least(self.width, 1, "width")


@dataclass(frozen=True)
class Outer:
    """Args:
        inner: the nested table.
        rate: a number.
        on: a switch.
    """

    inner: Inner = field(default_factory=Inner)
    rate: float = 0.5
    on: bool = True

    CONFIG_NAME = "test config"

    def __post_init__(self):
        require_at_least(self.rate, 0.0, "rate")


def test_a_table_builds_the_nested_dataclasses():
    assert cf.from_dict(Outer, {"rate": 2, "inner": {"width": 8}}) == \
        Outer(Inner(width=8), rate=2)


@pytest.mark.parametrize("table, message", [
    ({"rat": 1}, "rat is not a key of the test config"),
    ({"inner": {"wide": 1}}, "inner.wide is not a key of the inner config"),
    ({"inner": {"width": 0}}, "inner.width must be >= 1, got 0"),
    ({"inner": 3}, "inner must be a table of keys"),
    ({"rate": {"x": 1}}, "rate is a value, not a table"),
])
def test_a_bad_table_names_the_dotted_key(table, message):
    with pytest.raises(ParamError) as err:
        cf.from_dict(Outer, table)
    assert str(err.value) == message


def test_overrides_parse_each_value_as_the_type_it_replaces():
    got = cf.with_overrides(Outer(), ["--rate=0.25", "--inner.width", "16", "--on", "false",
                                      "--inner.name", "b"])
    assert got == Outer(Inner(16, "b"), 0.25, False)
    assert cf.with_overrides(Outer(), [("--inner.width", "2")]).inner.width == 2


@pytest.mark.parametrize("args, message", [
    (["--rate", "x"], "--rate must be float, got 'x'"),
    (["--on", "maybe"], "--on must be true or false, got 'maybe'"),
    (["--inner.width", "0"], "--inner.width must be >= 1, got 0"),
    (["--inner", "3"], "--inner is a table; set its keys as --inner.KEY VALUE"),
    (["--inner.deep.x", "3"], "--inner.deep.x is not a key of the test config"),
    (["--nope", "1"], "--nope is not a key of the test config"),
    (["--rate"], "--rate needs a value"),
    (["rate", "1"], "rate is not an option; overrides are --key value"),
])
def test_a_bad_override_names_the_option(args, message):
    with pytest.raises(ParamError) as err:
        cf.with_overrides(Outer(), args)
    assert str(err.value) == message


@pytest.mark.parametrize("name, data, message", [
    ("a.toml", None, "no such config file"),
    ("a.yaml", b"x: 1", "a config is a .toml or .json file"),
    ("a.toml", b"rate = 1\n\xff\n", ":2: not UTF-8 text"),
    ("a.json", b'{\n"rate": }', ":2: Expecting value"),
    ("a.json", b"[1, 2]", "the config must be a table of keys"),
    ("a.toml", b"rate = \n", "Invalid value"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path, name, data, message):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(CircuitlabError) as err:
        cf.read_table(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)
    assert "\n" not in str(err.value)


def test_a_folder_is_not_a_config(tmp_path):
    with pytest.raises(CircuitlabError, match="is a folder, not a config file"):
        cf.read_table(tmp_path)


def test_load_names_the_file_and_the_key(tmp_path):
    (tmp_path / "a.toml").write_text("[inner]\nwidth = -1\n")
    with pytest.raises(CircuitlabError) as err:
        cf.load(Outer, tmp_path / "a.toml")
    assert str(err.value) == f"{tmp_path / 'a.toml'}: inner.width must be >= 1, got -1"


def test_flat_items_list_the_dotted_keys_in_order():
    assert cf.flat_items(Outer()) == [("inner.width", 4), ("inner.name", "a"), ("rate", 0.5),
                                      ("on", True)]


def test_the_shipped_configs_are_package_data_and_load():
    from circuitlab.pretrain import PretrainConfig
    names = cf.shipped_names()
    assert cf.PRETRAIN_DEFAULT in names and len(names) >= 4
    for name in names:
        assert cf.resolve(name) == cf.SHIPPED / f"{name}.toml"
        PretrainConfig.load(name)
    assert PretrainConfig.load(cf.PRETRAIN_DEFAULT).node_budget == 4000
    with pytest.raises(CircuitlabError, match="no such config file, nor a shipped config"):
        cf.resolve("nosuch")


def test_pyproject_ships_the_configs():
    import tomllib
    from pathlib import Path
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml")
                              .read_text())
    assert "configs/*.toml" in pyproject["tool"]["setuptools"]["package-data"]["circuitlab"]
