"""Design retrieval: equivalent copies, tie-aware ranks, random-order values, baselines."""

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.protocol.registry import resolve_task
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import synthesize
from circuitlab.tasks import Design
from circuitlab.tasks.baselines import functional_signature, size_counts
from circuitlab.tasks.retrieval import (RetrievalParams, _rank_metrics, optimised_versions,
                                        random_order, ranks, recipes, run)
from circuitlab.verify import Verdict, check_equivalence

QUICK = RetrievalParams(versions=2, recipe_length=4)


@pytest.fixture(scope="module")
def designs():
    names = ("mul4x4", "rca8", "absdiff8", "sqr6", "ham74enc", "cla8", "mux8", "dec3to8")
    return [Design(n, synthesize(DEFAULT_DESIGNS / f"{n}.v")) for n in names]


@pytest.fixture(scope="module")
def result(designs, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return run(load_default_encoder(), designs[:3], designs[3:], QUICK, seed=0, cache=cache)


def test_ranks_share_ties_evenly():
    sim = np.array([[0.9, 0.5, 0.1], [0.5, 0.5, 0.5], [0.2, 0.9, 0.1]])
    truth = np.array([0, 1, 2])
    assert ranks(sim, truth).tolist() == [1.0, 2.0, 3.0]
    found = _rank_metrics(sim, truth)
    assert found["top1"].tolist() == pytest.approx([1.0, 1 / 3, 0.0])
    # the true item is equally likely at ranks 1, 2, 3
    assert found["mrr"][1] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3)
    assert found["mrr"][2] == pytest.approx(1 / 3)


@pytest.mark.parametrize("n", [2, 5, 22])
def test_a_constant_score_earns_the_random_order_value(n):
    truth = np.arange(n).repeat(3)
    found = _rank_metrics(np.zeros((len(truth), n)), truth)
    expect = random_order(n)
    assert expect["top1"] == pytest.approx(1 / n)
    assert found["top1"].mean() == pytest.approx(expect["top1"])
    assert found["mrr"].mean() == pytest.approx(expect["mrr"])


def test_the_copies_are_equivalent_and_seeded(designs, tmp_path):
    picked = designs[3:5]
    copies = optimised_versions(picked, QUICK, seed=1, cache=tmp_path)
    assert [len(c) for c in copies] == [2, 2]
    for d, versions in zip(picked, copies):
        for v in versions:
            assert check_equivalence(d.aig, v, match="position").verdict is Verdict.EQUIVALENT
    assert recipes("sqr6", QUICK, 1)[0] == "resyn2"
    assert recipes("sqr6", QUICK, 1) == recipes("sqr6", QUICK, 1)
    assert recipes("sqr6", QUICK, 1) != recipes("sqr6", QUICK, 2)
    again = optimised_versions(picked, QUICK, seed=1, cache=tmp_path)  # read from the cache
    assert [v.num_ands for c in again for v in c] == [v.num_ands for c in copies for v in c]


def test_signatures_of_equivalent_copies_match(designs, tmp_path):
    d = designs[3]
    (versions,) = optimised_versions([d], QUICK, seed=0, cache=tmp_path)
    sig = functional_signature(d.aig)
    assert sig.shape == (16,) and ((0 <= sig) & (sig <= 1)).all()
    for v in versions:
        assert np.array_equal(functional_signature(v), sig)
    assert not np.array_equal(functional_signature(designs[0].aig), sig)
    assert size_counts(d.aig).tolist()[:4] == [d.aig.num_inputs, d.aig.num_outputs, 0,
                                              d.aig.num_ands]


def test_run_reports_model_baselines_and_random_order(result):
    assert result.task == "retrieval"
    n = 5
    assert result.info["gallery"] == n and result.info["queries"] == 2 * n
    assert result.info["random_order"] == pytest.approx(random_order(n))
    for m in ("top1", "mrr", "top1_centred", "mrr_centred"):
        assert 0 <= result.metrics[m] <= 1
    assert -1 <= result.metrics["mean_cos"] <= 1
    assert set(result.info["baselines"]) == {"size counts", "simulation signature"}
    assert result.baseline == result.info["baselines"]["size counts"]
    # recipes keep the function: every copy finds its original by its signature
    assert result.info["baselines"]["simulation signature"]["top1"] == 1.0
    assert [r["design"] for r in result.rows] == ["sqr6", "ham74enc", "cla8", "mux8", "dec3to8"]
    assert np.mean([r["model"]["top1"] for r in result.rows]) == pytest.approx(
        result.metrics["top1"])


def test_registered_and_guarded(designs):
    run_fn, params = resolve_task("retrieval")
    assert run_fn is run and params is RetrievalParams
    with pytest.raises(CircuitlabError, match="both"):
        run(None, designs[:2], designs[1:3], QUICK)
    with pytest.raises(CircuitlabError, match="two test designs"):
        run(None, designs[:2], designs[2:3], QUICK)
    with pytest.raises(ParamError):
        RetrievalParams(versions=0)
