"""Logic-equivalence identification: proven pairs, a validation-only threshold, metrics."""

import numpy as np
import pytest

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.nn import load_default_encoder
from circuitlab.pipeline import DEFAULT_DESIGNS
from circuitlab.synth import synthesize
from circuitlab.tasks import Design, equivalence
from circuitlab.tasks.equivalence import EquivalenceTaskParams, run, score_pairs
from circuitlab.parallel import BuildOptions
from circuitlab.tasks.equivalence_pairs import KINDS, build_equivalence_pairs, cached_pair_sets, \
    cached_pairs
from circuitlab.verify import Verdict, check_equivalence

QUICK = EquivalenceTaskParams(versions=2, recipe_length=6, pairs_per_design=4)


@pytest.fixture(scope="module")
def designs():
    names = ("mul4x4", "rca8", "absdiff8", "sqr6", "ham74enc")
    return {n: Design(n, synthesize(DEFAULT_DESIGNS / f"{n}.v")) for n in names}


@pytest.fixture(scope="module")
def encoder():
    return load_default_encoder()


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """Pairs shared by the tests of this module (built once per design)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sqr6_pairs(designs):
    return build_equivalence_pairs("sqr6", designs["sqr6"].aig, QUICK, seed=0)


def test_every_label_is_what_the_checker_proves(sqr6_pairs):
    found = sqr6_pairs
    assert len(found.pairs) and found.kinds.count("equivalent") == 4
    assert {"equivalent", "hard", "random"} <= set(found.kinds) <= set(KINDS)
    for (a, b), label, kind in zip(found.pairs.tolist(), found.labels, found.kinds):
        ca, cb = found.cones[a], found.cones[b]
        assert ca.num_inputs == cb.num_inputs and ca.num_outputs == cb.num_outputs == 1
        verdict = check_equivalence(ca, cb, match="position").verdict
        assert verdict is (Verdict.EQUIVALENT if label else Verdict.NOT_EQUIVALENT), kind
        assert label == (kind == "equivalent")
        assert not ca.structurally_equal(cb, names=False)


def test_pairs_built_in_parallel_are_those_built_one_by_one(designs, tmp_path):
    chosen = [designs[n] for n in ("sqr6", "ham74enc")]
    together = cached_pair_sets(chosen, QUICK, 0, None, BuildOptions(jobs=2, progress=False))
    for design, found in zip(chosen, together):
        alone = build_equivalence_pairs(design.name, design.aig, QUICK, seed=0)
        assert found.design == design.name
        assert np.array_equal(found.pairs, alone.pairs) and found.kinds == alone.kinds
        assert all(x.structurally_equal(y, names=False)
                   for x, y in zip(found.cones, alone.cones))


def test_cones_respect_the_size_limits(sqr6_pairs):
    for a, b in sqr6_pairs.pairs.tolist():
        assert sqr6_pairs.cones[a].num_inputs <= QUICK.max_inputs
    firsts = {a for a, _ in sqr6_pairs.pairs[np.array(sqr6_pairs.labels)].tolist()}
    assert all(QUICK.min_ands <= sqr6_pairs.cones[a].num_ands <= QUICK.max_ands for a in firsts)


def test_pairs_are_seeded_and_cached(designs, sqr6_pairs, tmp_path):
    aig = designs["sqr6"].aig
    again = cached_pairs("sqr6", aig, QUICK, 0, tmp_path)
    assert len(list((tmp_path / "equivalence").iterdir())) == 1
    read = cached_pairs("sqr6", aig, QUICK, 0, tmp_path)
    for found in (again, read):
        assert np.array_equal(found.pairs, sqr6_pairs.pairs) and found.kinds == sqr6_pairs.kinds
        assert all(x.structurally_equal(y, names=False)
                   for x, y in zip(found.cones, sqr6_pairs.cones))
    other = build_equivalence_pairs("sqr6", aig, QUICK, seed=1)
    assert not (len(other.cones) == len(read.cones) and all(
        x.structurally_equal(y, names=False) for x, y in zip(other.cones, read.cones)))


def test_the_threshold_sees_only_validation_scores(designs, encoder, cache, monkeypatch):
    train = [designs[n] for n in ("mul4x4", "rca8", "absdiff8")]
    test = [designs[n] for n in ("sqr6", "ham74enc")]
    seen, real = [], equivalence.choose_threshold

    def spy(scores, labels):
        seen.append((np.array(scores), np.array(labels)))
        return real(scores, labels)
    monkeypatch.setattr(equivalence, "choose_threshold", spy)
    result = run(encoder, train, test, QUICK, seed=0, cache=cache)
    val = [cached_pairs(d.name, d.aig, QUICK, 0, cache) for d in train]
    expected = [np.concatenate([score_pairs(p, encoder, QUICK, 0)[k] for p in val])
                for k in range(2)]
    assert len(seen) == 3  # the model, the signature baseline, the size-count baseline
    val_labels = np.concatenate([p.labels for p in val])
    for (scores, labels), want in zip(seen, expected):
        assert np.allclose(scores, want)
        assert np.array_equal(labels, np.concatenate([p.labels for p in val]))
    assert result.info["thresholds"]["model"] == pytest.approx(real(*seen[0]))
    # the size-count baseline's threshold, too, sees the validation pairs only
    assert np.array_equal(seen[2][1], val_labels) and len(seen[2][0]) == len(val_labels)
    assert result.info["thresholds"]["size counts"] == pytest.approx(real(*seen[2]))


def test_run_reports_rows_and_finite_metrics(designs, encoder, cache):
    train = [designs[n] for n in ("mul4x4", "rca8")]
    test = [designs[n] for n in ("sqr6", "ham74enc")]
    result = run(encoder, train, test, QUICK, seed=0, cache=cache)
    assert result.task == "equivalence"
    assert [r["design"] for r in result.rows] == ["sqr6", "ham74enc"]
    for side in (result.metrics, result.baseline):
        assert set(side) >= {"precision", "recall", "f1", "auc", "pooled_f1", "pooled_auc"}
        assert all(0.0 <= side[k] <= 1.0 for k in ("precision", "recall", "f1", "pooled_auc"))
    rows_f1 = [r["model"]["f1"] for r in result.rows]
    assert result.metrics["f1"] == pytest.approx(np.mean(rows_f1))
    counts = result.info["test_pairs"]
    assert counts["equivalent"] == sum(r["model"]["positives"] for r in result.rows)
    # equivalent cones agree on every pattern: the baseline never misses one
    assert result.baseline["pooled_recall"] == 1.0
    baselines = result.info["baselines"]
    assert list(baselines) == ["simulation signature", "size counts"]
    assert baselines["simulation signature"] == result.baseline
    assert 0.0 <= baselines["size counts"]["pooled_auc"] <= 1.0
    assert set(baselines["size counts"]) == set(result.baseline)


def test_overlapping_splits_are_refused(designs, encoder):
    with pytest.raises(CircuitlabError, match="both for training and test: sqr6"):
        run(encoder, [designs["sqr6"], designs["rca8"]], [designs["sqr6"]], QUICK)


def test_no_validation_pair_is_an_error_not_a_default_threshold(designs, encoder):
    tiny = EquivalenceTaskParams(versions=1, recipe_length=2, min_ands=500, max_ands=600)
    with pytest.raises(CircuitlabError, match="no validation pair"):
        run(encoder, [designs["rca8"]], [designs["sqr6"]], tiny)


@pytest.mark.parametrize("field, value, message", [
    ("versions", 0, "versions must be >= 1"),
    ("max_ands", 3, "max_ands must be >= min_ands (5)"),
    ("engine", "yosys", "engine must be one of"),
    ("check_timeout", 0, "check_timeout must be > 0"),
])
def test_bad_params_name_the_field(field, value, message):
    with pytest.raises(ParamError, match=message.replace("(", r"\(").replace(")", r"\)")):
        EquivalenceTaskParams(**{field: value})


@pytest.mark.slow
def test_full_protocol_pairs_are_all_proven(designs):
    found = build_equivalence_pairs("mul4x4", designs["mul4x4"].aig, EquivalenceTaskParams(),
                                    seed=0)
    assert found.kinds.count("equivalent") >= 8
    for (a, b), label in zip(found.pairs.tolist(), found.labels):
        verdict = check_equivalence(found.cones[a], found.cones[b], match="position").verdict
        assert verdict is (Verdict.EQUIVALENT if label else Verdict.NOT_EQUIVALENT)
