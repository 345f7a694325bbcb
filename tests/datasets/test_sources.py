"""Design sources: a folder of designs as graphs, read by the one design reader."""

from __future__ import annotations

import pytest

from circuitlab.data import to_pyg
from circuitlab.errors import CircuitlabError
from circuitlab.io import write_aiger
from circuitlab.synth.design import DesignParams, read_design
from circuitlab.datasets.sources import folder_graphs
from dataset_sources import AND2, adder


def test_folder_graphs_reads_every_design_in_name_order(tmp_path):
    write_aiger(adder(3), tmp_path / "b_adder.aag")
    (tmp_path / "a_and2.v").write_text(AND2)
    (tmp_path / "notes.txt").write_text("not a design\n")
    graphs = folder_graphs(tmp_path, "not_nodes")
    assert [g.name for g in graphs] == ["a_and2.v", "b_adder.aag"]
    for graph in graphs:
        expected = to_pyg(read_design(tmp_path / graph.name), "not_nodes")
        assert graph.num_nodes == expected.num_nodes
        assert graph.edge_index.tolist() == expected.edge_index.tolist()


def test_folder_graphs_passes_the_reading_options(tmp_path):
    (tmp_path / "two.v").write_text("module r1(input a, output y); assign y = a; endmodule\n"
                                    "module r2(input [1:0] a, output y); assign y = &a; "
                                    "endmodule\n")
    with pytest.warns(UserWarning, match="--top"):
        (default,) = folder_graphs(tmp_path, "not_nodes")
    (chosen,) = folder_graphs(tmp_path, "not_nodes", DesignParams(top="r2"))
    assert chosen.num_nodes > default.num_nodes


def test_folder_graphs_errors_name_the_folder(tmp_path):
    with pytest.raises(CircuitlabError, match="no such design folder"):
        folder_graphs(tmp_path / "absent", "not_nodes")
    with pytest.raises(CircuitlabError, match=f"{tmp_path}: no .v/.sv/.aig"):
        folder_graphs(tmp_path, "not_nodes")
