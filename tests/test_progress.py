"""Progress: a bar on stderr only on a terminal, nothing with --no-progress, and
the commands that run long (opt, cec, embed, encode, optimize) draw it."""

from __future__ import annotations

import time

import pytest

import circuitlab.progress as progress
from circuitlab.aig import AigBuilder
from circuitlab.cli import main
from circuitlab.io import write_aiger
from circuitlab.progress import Progress


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(progress, "on_terminal", lambda: True)


def test_no_bar_off_a_terminal(capsys):
    with Progress("work", total=3) as bar:
        bar.advance()
        bar.note("step 1")
    with Progress("waiting") as wait:
        time.sleep(0.01)
    assert not bar.shown and not wait.shown
    assert capsys.readouterr().err == ""


def test_a_counting_bar_on_a_terminal(capsys, terminal):
    with Progress("files", total=2, unit="file") as bar:
        assert bar.shown
        bar.advance()
        bar.note("b.v")
        bar.advance()
    err = capsys.readouterr().err
    assert "files" in err and "1/2" in err and "b.v" in err
    assert not bar.shown


def test_an_elapsed_time_display_redraws_while_the_caller_blocks(capsys, terminal):
    with Progress("solver"):
        time.sleep(1.2)
    err = capsys.readouterr().err
    assert err.count("solver: 00:0") >= 2  # drawn at the start, then by the ticker


def test_a_fraction_bar(capsys, terminal):
    with Progress("optimize", total=1, counts=False) as bar:
        bar(0.5, "pass 1")
    err = capsys.readouterr().err
    assert "50%" in err and "pass 1" in err and "/1" not in err


def test_disabled_draws_nothing_even_on_a_terminal(capsys, terminal):
    with Progress("work", total=3, enabled=False) as bar:
        bar.advance()
        bar(0.5, "half")
    assert not bar.shown and capsys.readouterr().err == ""


def _circuit(tmp_path):
    b = AigBuilder()
    xs = b.add_inputs(20, "x")
    b.add_output(b.and_many(xs), "y")
    path = tmp_path / "a.aig"
    write_aiger(b.build(), path)
    return path


@pytest.mark.parametrize("command", ["opt", "cec"])
def test_opt_and_cec_draw_a_bar_on_a_terminal_unless_told_not_to(
        tmp_path, capsys, terminal, command):
    src = _circuit(tmp_path)
    args = {"opt": ["opt", str(src), "-o", str(tmp_path / "b.aig"), "--engine", "aigverse"],
            "cec": ["cec", str(src), str(src)]}[command]
    assert main(args) == 0
    assert f"{command} (" in capsys.readouterr().err
    assert main(args + ["--no-progress"]) == 0
    assert capsys.readouterr().err == ""
