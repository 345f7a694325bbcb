"""Time limits of recipe runs: aigverse's steps run in a worker killed at the
limit; `opt --timeout` counts from the command's start and names its limit.
"""

from __future__ import annotations

import pytest

from circuitlab.aig import Aig, AigBuilder
from circuitlab.cli import main
from circuitlab.errors import ToolTimeoutError
from circuitlab.io import write_aiger
from circuitlab.synth import RecipeParams, run_recipe
from oracle import assert_equivalent


def chain(n: int) -> Aig:
    b = AigBuilder()
    xs = b.add_inputs(n, "x")
    acc = xs[0]
    for x in xs[1:]:
        acc = b.and_(acc, x)
    b.add_output(acc, "y")
    return b.build()


def test_aigverse_under_a_limit_gives_an_equivalent_circuit():
    aig = chain(12)
    out, stats = run_recipe(aig, "resyn2", RecipeParams(engine="aigverse", timeout=60))
    assert stats.engine == "aigverse" and out.num_ands == 11
    assert out.input_names == aig.input_names and out.output_names == ("y",)
    assert_equivalent(aig, out)


def test_aigverse_past_its_limit_is_stopped():
    with pytest.raises(ToolTimeoutError, match=r"did not finish within 0.01 s"):
        run_recipe(chain(100_000), "resyn2", RecipeParams(engine="aigverse", timeout=0.01))


def test_opt_timeout_names_the_users_limit(tmp_path, capsys):
    src, out = tmp_path / "chain.aig", tmp_path / "out.aig"
    write_aiger(chain(100_000), src)
    assert main(["opt", str(src), "-o", str(out), "--engine", "aigverse",
                 "--timeout", "0.5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("circuitlab opt: error: time limit of 0.5 s reached (")
    assert "give a larger --timeout" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chain.aig"]
