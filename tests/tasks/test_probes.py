"""Functional probes: labels from simulation, the AIG-to-graph node map, finite metrics."""

import numpy as np
import pytest

from circuitlab.aig import Aig
from circuitlab.data import NodeType, to_pyg
from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.sim import table_bits, truth_tables
from circuitlab.synth import synthesize
from circuitlab.tasks import Design
from circuitlab.tasks.probes import ProbeParams, gate_labels, run

QUICK = ProbeParams(pairs_per_design=100, hidden=8, epochs=30)
# inputs a, b, c; n4 = a & b, n5 = n4 & ~c, n6 = ~a & ~c, n7 = ~n5 & ~n6
SMALL = Aig(3, [[2, 4], [8, 7], [3, 7], [11, 13]], [15])


@pytest.fixture(scope="module")
def designs():
    names = ("mul4x4", "rca8", "parity16", "maj5")
    return {n: Design(n, synthesize(DEFAULT_DESIGNS / f"{n}.v")) for n in names}


def _exact_bits(aig: Aig, var: int) -> np.ndarray:
    """Truth table of variable ``var`` over all minterms."""
    probe = Aig(aig.num_inputs, aig.ands, [2 * var])
    return table_bits(truth_tables(probe), aig.num_inputs)[0]


def test_sp_labels_match_a_direct_simulation():
    labels = gate_labels("small", SMALL, ProbeParams(sim_words=64), seed=0)
    assert labels.nodes.tolist() == [4, 5, 6, 7]
    exact = [_exact_bits(SMALL, v).mean() for v in labels.nodes]
    assert exact == [0.25, 0.125, 0.25, 1 - 0.125 - 0.25]
    # 4096 random patterns: a deviation of 0.03 is over 4 standard deviations
    assert np.abs(labels.sp - exact).max() < 0.03


def test_distance_labels_are_normalised_hamming_distances():
    labels = gate_labels("small", SMALL, ProbeParams(sim_words=64, pairs_per_design=50), 0)
    assert (labels.pairs[:, 0] != labels.pairs[:, 1]).all()
    assert np.isin(labels.pairs, [4, 5, 6, 7]).all()
    exact = [np.mean(_exact_bits(SMALL, a) != _exact_bits(SMALL, b)) for a, b in labels.pairs]
    assert np.abs(labels.distance - exact).max() < 0.04


def test_and_variables_are_the_and_nodes_of_the_graph(designs):
    encoder = load_default_encoder()
    for design in designs.values():
        graph = to_pyg(design.aig, encoder.config.encoding)
        first, last = design.aig.first_and_var, design.aig.num_vars
        assert (graph.node_type[first:last] == NodeType.AND).all()
        assert (graph.node_type == NodeType.AND).sum() == design.aig.num_ands


def test_probes_on_a_tiny_set_give_finite_metrics(designs):
    train = [designs["mul4x4"], designs["rca8"]]
    test = [designs["parity16"], designs["maj5"]]
    result = run(load_default_encoder(), train, test, QUICK, seed=0)
    assert result.task == "probes"
    assert [r["design"] for r in result.rows] == ["parity16", "maj5"]
    for key in ("sp_mae", "sp_pearson", "tt_mae", "tt_pearson", "pooled_sp_mae"):
        assert np.isfinite(result.metrics[key])
    assert 0 <= result.metrics["sp_mae"] <= 1 and 0 <= result.metrics["tt_mae"] <= 1
    assert np.isfinite(result.baseline["sp_mae"]) and np.isnan(result.baseline["sp_pearson"])
    assert result.info["test_gates"] == sum(designs[n].aig.num_ands for n in ("parity16", "maj5"))
    mean = result.info["train_sp_mean"]
    sp = np.concatenate([gate_labels(d.name, d.aig, QUICK, 0).sp for d in test])
    assert result.baseline["pooled_sp_mae"] == pytest.approx(np.abs(sp - mean).mean())


def test_overlapping_splits_are_refused(designs):
    with pytest.raises(CircuitlabError, match="both for training and test: maj5"):
        run(load_default_encoder(), [designs["maj5"]], [designs["maj5"]], QUICK)


@pytest.mark.parametrize("field, value, message", [
    ("sim_words", 0, "sim_words must be >= 1"),
    ("hidden", -1, "hidden must be >= 0"),
    ("lr", 0.0, "lr must be > 0"),
])
def test_bad_params_name_the_field(field, value, message):
    with pytest.raises(ParamError, match=message):
        ProbeParams(**{field: value})
