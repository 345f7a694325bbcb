"""The small-circuit flow: the smallest equivalent of the model, the scripts and the SAT search."""

from dataclasses import replace

import pytest
from oracle import assert_equivalent

from circuitlab.aig import Aig, AigBuilder
from circuitlab.cli import main
from circuitlab.errors import CircuitlabError
from circuitlab.io.formats import read_circuit, write_circuit
from circuitlab.optimize.model import load_optimize_model
from circuitlab.optimize.small import OptimizeParams, optimize_circuits, polish
from circuitlab.transformer.search import SearchParams


def _redundant():
    b = AigBuilder()
    x = b.add_inputs(4)
    ab = b.and_(x[0], x[1])
    b.add_output(b.or_(ab, b.and_(x[0], b.and_(x[2], x[1]))))   # = x0 & x1
    b.add_output(b.xor(x[3], ab))
    return b.build()


def test_optimize_api_keeps_the_smallest_equivalent(checkpoint):
    model, tok = load_optimize_model(checkpoint, "cpu")
    aig = _redundant()
    (res,) = optimize_circuits([aig], model, tok, OptimizeParams(SearchParams("sample", 4)))
    assert_equivalent(aig, res.aig)
    assert res.aig.num_ands == min(res.candidates.values()) <= 4 < aig.num_ands
    assert res.verdict.name == "EQUIVALENT"
    assert res.candidates["transformer+polish"] <= res.candidates["transformer"]
    (own,) = optimize_circuits([aig], model, tok, OptimizeParams(classical=False, exact=None))
    assert set(own.candidates) <= {"source", "transformer"}
    assert_equivalent(aig, own.aig)


def test_optimize_ends_with_the_sat_search(checkpoint):
    # two outputs sharing a gate that the scripts' rewriting does not find: 4 ANDs, 3 suffice
    aig = Aig(8, [(13, 3), (18, 14), (15, 3), (23, 13)], [20, 24])
    model, tok = load_optimize_model(checkpoint, "cpu")
    (res,) = optimize_circuits([aig], model, tok, OptimizeParams(SearchParams("sample", 4)))
    assert_equivalent(aig, res.aig)
    assert res.aig.num_ands == 3
    others = min(n for name, n in res.candidates.items() if name != "exact")
    assert (res.best == "exact") == (others > 3)
    (off,) = optimize_circuits([aig], model, tok,
                               OptimizeParams(SearchParams("sample", 4), exact=None))
    assert "exact" not in off.candidates and off.aig.num_ands == others
    assert_equivalent(aig, off.aig)


@pytest.mark.needs_abc  # &deepsyn
def test_optimize_runs_deepsyn_with_abc(checkpoint):
    # a held-out circuit: resyn2 and compress2rs stop at 8 ANDs, &deepsyn finds 6
    aig = Aig(8, [(16, 7), (19, 11), (20, 17), (20, 12), (25, 11), (20, 4), (26, 23), (31, 29),
                  (31, 28)], [34, 32])
    model, tok = load_optimize_model(checkpoint, "cpu")
    params = OptimizeParams(SearchParams("greedy"), engine="abc", exact=None)
    (res,) = optimize_circuits([aig], model, tok, params)
    assert_equivalent(aig, res.aig)
    scripts = min(res.candidates["resyn2"], res.candidates["compress2rs"])
    assert res.aig.num_ands <= res.candidates["deepsyn"] < scripts
    (off,) = optimize_circuits([aig], model, tok, replace(params, deepsyn=None))
    assert "deepsyn" not in off.candidates
    assert_equivalent(aig, off.aig)
    with pytest.raises(CircuitlabError, match="deepsyn '-Q 3'"):
        OptimizeParams(deepsyn="-Q 3")


@pytest.mark.parametrize("engine", ["aigverse", "auto"])
def test_polish_gives_the_smallest_equivalent_per_pool(engine):
    a = _redundant()
    b = AigBuilder()
    x = b.add_inputs(4)
    b.add_output(b.and_(x[0], b.and_(x[1], x[0])))
    b.add_output(b.xor(x[3], b.and_(x[1], x[0])))
    pools = [[a], [], [b.build(), a]]
    out = polish(pools, engine)
    assert out[1] is None
    for pool, best in zip(pools, out):
        if pool:
            assert_equivalent(pool[0], best)
            assert best.num_ands <= 4 < min(p.num_ands for p in pool)


def test_optimize_command(checkpoint, tmp_path, capsys):
    src = tmp_path / "in.aag"
    write_circuit(_redundant(), src)
    out = tmp_path / "out.aig"
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(checkpoint),
               "--search", "mcts", "--budget", "2"])
    text = capsys.readouterr().out
    assert rc == 0 and "ANDs before: 7" in text and "verdict:     equivalent" in text
    assert "transformer+polish:" in text
    assert_equivalent(read_circuit(src), read_circuit(out))
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(checkpoint),
               "--search", "greedy", "--no-polish"])
    text = capsys.readouterr().out
    assert rc == 0 and "polish" not in text and "resyn2:" in text
    assert_equivalent(read_circuit(src), read_circuit(out))
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(checkpoint),
               "--search", "greedy", "--exact-conflicts", "-1"])
    assert rc == 2 and "--exact-conflicts must be >= 0, got -1" in capsys.readouterr().err
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(checkpoint),
               "--search", "greedy", "--deepsyn-steps", "-2"])
    assert rc == 2 and "--deepsyn-steps must be >= 0, got -2" in capsys.readouterr().err


def test_optimize_truth_input(checkpoint, tmp_path, capsys):
    src = tmp_path / "f.truth"
    src.write_text("1000000000000001\n")  # x0..x3 all equal
    rc = main(["optimize", str(src), "-o", str(tmp_path / "f.aag"), "--checkpoint",
               str(checkpoint), "--search", "greedy"])
    assert rc == 0
    assert_equivalent(read_circuit(src), read_circuit(tmp_path / "f.aag"))


def test_optimize_takes_wider_circuits_by_windows(checkpoint, tmp_path, capsys):
    b = AigBuilder()
    b.add_output(b.and_many(b.add_inputs(9)))
    src = tmp_path / "wide.aag"
    write_circuit(b.build(), src)
    out = tmp_path / "o.aig"
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(checkpoint),
               "--seconds", "1", "--no-progress"])
    assert rc == 0 and "windows:" in capsys.readouterr().out
    assert_equivalent(read_circuit(src), read_circuit(out))
    rc = main(["optimize", str(src), "-o", str(out), "--checkpoint", str(tmp_path / "no.pt")])
    assert rc == 2 and "no such checkpoint" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["optimize", str(src), "-o", str(out), "--search", "astar"])
