"""data/designs: the project's own Verilog corpus.

Each ``<name>.v`` holds one top module named ``<name>`` and comes with a
one-paragraph specification ``<name>.txt``; the README's table lists every
design.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import synthesize

MIN_DESIGNS = 60
MAX_ANDS = 1500

DESIGNS = sorted(p.stem for p in DEFAULT_DESIGNS.glob("*.v"))
MODULE = re.compile(r"^\s*module\s+(\w+)", re.MULTILINE)
PORT = re.compile(r"\b(?:input|output)\s+(?:reg\s+|wire\s+)?(?:\[[^\]]*\]\s*)?(\w+)")
TABLE_ROW = re.compile(r"^\| `(\w+)` \| (comb|seq) \|", re.MULTILINE)


def header(verilog: str) -> str:
    """The module's port list, comments removed."""
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", verilog, flags=re.DOTALL)
    return code[code.index("module"):code.index(");")]


def test_corpus_has_enough_designs():
    assert len(DESIGNS) >= MIN_DESIGNS


def test_every_description_has_its_design():
    orphans = sorted(p.stem for p in DEFAULT_DESIGNS.glob("*.txt") if p.stem not in DESIGNS)
    assert orphans == []


@pytest.mark.parametrize("name", DESIGNS)
def test_design_has_one_module_named_after_its_file(name):
    text = (DEFAULT_DESIGNS / f"{name}.v").read_text()
    assert MODULE.findall(text) == [name]


@pytest.mark.parametrize("name", DESIGNS)
def test_design_has_a_one_paragraph_description(name):
    path = DEFAULT_DESIGNS / f"{name}.txt"
    assert path.is_file(), f"{path.name} is missing"
    text = path.read_text().strip()
    assert text and "\n\n" not in text
    ports = PORT.findall(header((DEFAULT_DESIGNS / f"{name}.v").read_text()))
    assert ports
    unnamed = [p for p in ports if not re.search(rf"\b{p}\b", text)]
    assert unnamed == [], "a specification names every port"


def test_readme_table_lists_every_design():
    listed = TABLE_ROW.findall((DEFAULT_DESIGNS / "README.md").read_text())
    names = [n for n, _ in listed]
    assert len(names) == len(set(names))
    assert sorted(names) == DESIGNS


@pytest.mark.needs_iverilog
def test_designs_read_cleanly_with_iverilog(tmp_path):
    messages = {}
    for name in DESIGNS:
        run = subprocess.run(["iverilog", "-Wall", "-o", str(tmp_path / "a.out"),
                              str(DEFAULT_DESIGNS / f"{name}.v")],
                             capture_output=True, text=True, timeout=60)
        if run.returncode or run.stdout or run.stderr:
            messages[name] = run.stdout + run.stderr
    assert messages == {}


@pytest.mark.slow
def test_designs_synthesise_to_moderate_aigs():
    kinds = dict(TABLE_ROW.findall((DEFAULT_DESIGNS / "README.md").read_text()))
    for name in DESIGNS:
        aig = synthesize([DEFAULT_DESIGNS / f"{name}.v"], top=name, timeout=300)
        assert aig.num_outputs > 0, name
        assert 10 <= aig.num_ands <= MAX_ANDS, (name, aig.num_ands)
        assert (aig.num_latches > 0) == (kinds[name] == "seq"), name
