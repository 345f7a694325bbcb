"""The functional training graphs of a list of designs, built once and cached."""

import pytest
import torch

from circuitlab.aig import AigBuilder
from circuitlab.datasets.test_only import TestOnlyError
from circuitlab.errors import ParamError
from circuitlab.parallel import BuildOptions
from circuitlab.pretrain.functional_corpus import (FunctionalSampleParams, design_views,
                                                   functional_training_graphs)


def adder(bits: int = 4):
    b = AigBuilder()
    x, y = b.add_inputs(bits), b.add_inputs(bits)
    carry = 0
    for i in range(bits):
        b.add_output(b.xor(b.xor(x[i], y[i]), carry))
        carry = b.maj(x[i], y[i], carry)
    b.add_output(carry)
    return b.build()


def test_a_design_gives_its_whole_view_then_contrast_samples():
    graphs = design_views("adder4", adder(), FunctionalSampleParams(outputs=2, min_cone=3))
    whole, *samples = graphs
    assert whole.view_func.numel() == 1 and whole.prob.numel() == whole.num_nodes
    assert len(samples) == 2
    for g in samples:
        ids = g.view_func.tolist()
        # the anchor first; every later view shares its id exactly when proven equivalent
        assert ids.count(ids[0]) >= 2 and len(set(ids)) >= 2
        assert int(g.view_batch.max()) + 1 == len(ids)
    assert {g.design for g in graphs} == {"adder4"}


def test_the_build_is_cached_and_seeded(tmp_path):
    designs = [("adder3", adder(3)), ("adder4", adder(4))]
    options = BuildOptions(jobs=1, progress=False)
    params = FunctionalSampleParams(outputs=1, min_cone=3)
    first = functional_training_graphs(designs, tmp_path, params, options)
    assert len(list(tmp_path.iterdir())) == 2
    again = functional_training_graphs(designs, tmp_path, params, options)
    assert [g.design for g in first] == [g.design for g in again]
    for a, b in zip(first, again):
        assert torch.equal(a.edge_index, b.edge_index) and torch.equal(a.view_func, b.view_func)


def test_a_test_only_design_is_refused_before_any_work(tmp_path):
    with pytest.raises(TestOnlyError, match="adder_8bit"):
        functional_training_graphs([("adder_8bit", adder(3))], tmp_path,
                                   options=BuildOptions(jobs=1, progress=False))
    assert not any(tmp_path.iterdir())


def test_a_cone_range_upside_down_is_refused():
    with pytest.raises(ParamError, match="max_cone"):
        FunctionalSampleParams(min_cone=10, max_cone=5)


def test_no_graph_exceeds_the_node_cap():
    params = FunctionalSampleParams(outputs=3, min_cone=3, max_nodes=150)
    graphs = design_views("adder4", adder(), params)
    assert graphs and all(g.num_nodes <= 150 for g in graphs)
    assert len(design_views("adder4", adder(), FunctionalSampleParams(
        outputs=3, min_cone=3))) > len(graphs)
