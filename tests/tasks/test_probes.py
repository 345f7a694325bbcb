"""Functional probes: labels from simulation, the AIG-to-graph node map, the metrics."""

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
from circuitlab.tasks.probes import ProbeParams, _fit, gate_labels, run

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


def test_probe_metrics_are_per_design_means_beside_the_mean_baseline(designs):
    train = [designs["mul4x4"], designs["rca8"]]
    test = [designs["parity16"], designs["maj5"]]
    result = run(load_default_encoder(), train, test, QUICK, seed=0)
    assert result.task == "probes"
    assert [r["design"] for r in result.rows] == ["parity16", "maj5"]
    metrics = ("sp_mae", "sp_pearson", "tt_mae", "tt_pearson")
    for key in (*metrics, *(f"pooled_{m}" for m in metrics)):
        assert np.isfinite(result.metrics[key]), key
    for key in ("sp_mae", "tt_mae", "pooled_sp_mae", "pooled_tt_mae"):
        assert 0 <= result.metrics[key] <= 1
    for key in ("sp_pearson", "tt_pearson", "pooled_sp_pearson", "pooled_tt_pearson"):
        assert -1 <= result.metrics[key] <= 1
    # The unpooled metrics are the mean of the per-design rows, each row
    # counting that design's gates and pairs.
    test_labels = [gate_labels(d.name, d.aig, QUICK, 0) for d in test]
    for row, labels in zip(result.rows, test_labels):
        assert row["model"]["gates"] == row["baseline"]["gates"] == len(labels.sp)
        assert row["model"]["pairs"] == row["baseline"]["pairs"] == len(labels.distance)
    for side in ("model", "baseline"):
        summary = getattr(result, "metrics" if side == "model" else "baseline")
        for key in ("sp_mae", "tt_mae"):
            assert summary[key] == pytest.approx(np.mean([r[side][key] for r in result.rows]))
    assert result.info["test_gates"] == sum(designs[n].aig.num_ands for n in ("parity16", "maj5"))
    assert result.info["test_pairs"] == sum(len(lab.distance) for lab in test_labels)
    # The baseline predicts the training means: its errors follow from the
    # labels alone, and a constant has no correlation.
    sp = np.concatenate([lab.sp for lab in test_labels])
    distance = np.concatenate([lab.distance for lab in test_labels])
    assert result.baseline["pooled_sp_mae"] == pytest.approx(
        np.abs(sp - result.info["train_sp_mean"]).mean())
    assert result.baseline["pooled_tt_mae"] == pytest.approx(
        np.abs(distance - result.info["train_distance_mean"]).mean())
    assert np.isnan(result.baseline["sp_pearson"]) and np.isnan(result.baseline["tt_pearson"])
    # The model's predictions are not that constant.
    assert all(np.isfinite(r["model"]["sp_pearson"]) for r in result.rows)


def _bank_bits(rows: int, banks: int, seed: int):
    """Features ``[rows, banks, 6]`` whose first column is a ±1 bit per bank, and
    the target: the fraction of banks whose bit is 1 (an SP over the banks)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0, 1, size=(rows, 1))
    bits = rng.uniform(size=(rows, banks)) < p
    x = rng.normal(size=(rows, banks, 6)).astype(np.float32)
    x[:, :, 0] = np.where(bits, 1.0, -1.0)
    return x, bits.mean(axis=1)


def test_one_probe_reads_every_bank_and_averages():
    x, y = _bank_bits(400, 8, seed=0)
    predict = _fit(x, y, ProbeParams(hidden=8, epochs=300, lr=0.03), seed=0)
    test_x, test_y = _bank_bits(200, 8, seed=1)
    found = predict(test_x)
    # the mean of one bit per bank is learnt from 400 rows, far below the
    # error of the constant mean
    assert np.abs(found - test_y).mean() < 0.05 < np.abs(test_y - y.mean()).mean()
    # the banks are exchangeable: their order does not change a prediction,
    # which is the mean of the per-bank predictions
    assert predict(test_x[:, ::-1]) == pytest.approx(found, abs=1e-6)
    per_bank = np.mean([predict(test_x[:, [k]]) for k in range(8)], axis=0)
    assert per_bank == pytest.approx(found, abs=1e-6)


def test_a_probe_on_wide_heavy_features_does_not_stick_at_a_constant():
    # 2,048 pair features (products and distances), as wide and as large as
    # those of a 32-bank encoder's outliers: a squared error through a
    # saturated sigmoid leaves this probe constant (tried), cross-entropy
    # on the logit does not
    rng = np.random.default_rng(0)
    a = rng.normal(size=(2000, 1024))
    b = a[rng.permutation(2000)]
    x = np.concatenate([a * b, np.abs(a - b)], axis=1)
    x = 10 * (x - x.mean(axis=0)) / x.std(axis=0)
    y = np.clip(0.1 + (a[:, :8] * b[:, :8]).sum(axis=1) / 60, 0, 1)
    found = _fit(x[:, None].astype(np.float32), y, ProbeParams(), seed=0)(
        x[:, None].astype(np.float32))
    assert found.std() > 0.02
    assert np.corrcoef(found, y)[0, 1] > 0.9


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
