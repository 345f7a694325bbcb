"""The test-only guard refuses ITC'99, EPFL random_control and RTLLM by name and by function."""

import json

import pytest

from circuitlab.aig import AigBuilder
from circuitlab.datasets.make_test_only import hash_suites
from circuitlab.datasets.rtl_families import RtlDesign
from circuitlab.datasets.rtl_pairs import synthesize_design
from circuitlab.datasets.test_only import (
    EPFL_RANDOM_CONTROL, HASHES_FILE, TestOnlyError, check_training_corpus, functional_hash,
    match_function, match_name, shipped,
)
from circuitlab.synth.recipes import RecipeParams, run_recipe

RESYN2 = RecipeParams(engine="aigverse")


def verilog(name: str, body: str) -> RtlDesign:
    return RtlDesign(name, "test", body.replace("NAME", name), "")


# The function of RTLLM's adder_8bit, written independently: same ports, same order.
ADDER_8BIT = ("module NAME(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, "
              "output cout);\n  assign {cout, sum} = a + b + cin;\nendmodule\n")
# Unrelated: the same interface, a subtraction.
OTHER = ("module NAME(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, "
         "output cout);\n  assign {cout, sum} = a - b - cin;\nendmodule\n")


@pytest.mark.parametrize("name", ["b01", "B14", "b14_inj", "b22.v", "cpuv/b17-opt.aig",
                                  "itc99", "RTLLM", "random_control", "arbiter", "mem_ctrl.aig",
                                  "verified_adder_8bit", "adder_8bit", "fixed_point_substractor",
                                  "booth4_mul", "qadd"])
def test_test_only_names_are_refused(name):
    assert match_name(name) is not None


@pytest.mark.parametrize("name", ["b00", "b23", "b140", "bus", "adder_9bit", "c432",
                                  "i2c_master_top", "memctrl_x", "arbiter2"])
def test_other_names_pass(name):
    assert match_name(name) is None


def test_the_shipped_file_covers_the_three_suites():
    data = shipped()
    suites = {d["suite"] for d in data["designs"]}
    assert suites == {"epfl-random-control", "itc99", "rtllm"}
    epfl = {d["design"] for d in data["designs"] if d["suite"] == "epfl-random-control"}
    assert epfl == set(EPFL_RANDOM_CONTROL)
    itc = {d["design"] for d in data["designs"] if d["suite"] == "itc99"}
    assert {"b01", "b05", "b10", "b14", "b15"} <= itc
    assert sum(d["suite"] == "rtllm" for d in data["designs"]) >= 40
    assert len({d["hash"] for d in data["designs"]}) == len(data["designs"])
    assert all(s in data["sources"] for s in suites)
    assert json.loads(HASHES_FILE.read_text()) == data


def test_a_resyn2_copy_of_an_rtllm_design_is_refused_by_function():
    copy = synthesize_design(verilog("my_adder", ADDER_8BIT))
    optimised, stats = run_recipe(copy, "resyn2", RESYN2)
    assert not optimised.structurally_equal(copy, names=False)
    hit = match_function(optimised)
    assert (hit.suite, hit.design, hit.by) == ("rtllm", "adder_8bit", "function")
    with pytest.raises(TestOnlyError, match="my_adder .rtllm adder_8bit, by function"):
        check_training_corpus([("rand_0", copy), ("my_adder", optimised)])
    other = synthesize_design(verilog("my_sub", OTHER))
    assert match_function(other) is None
    assert check_training_corpus([("my_sub", other)]) == 1
    # an own design that shares an RTLLM name passes only when allowed, and by function
    with pytest.raises(TestOnlyError, match="by name"):
        check_training_corpus([("adder_8bit", other)])
    assert check_training_corpus([("adder_8bit", other)], allow=["adder_8bit"]) == 1
    with pytest.raises(TestOnlyError, match="by function"):
        check_training_corpus([("adder_8bit", optimised)], allow=["adder_8bit"])


def counter_aig():
    """A 3-bit counter with enable: latches cut to pseudo inputs and outputs in the hash."""
    b = AigBuilder()
    en = b.add_input("en")
    q = [b.add_latch(f"q{k}") for k in range(3)]
    carry = en
    for k in range(3):
        b.set_latch_next(q[k], b.xor(q[k], carry))
        carry = b.and_(carry, q[k])
    for k in range(3):
        b.add_output(q[k], f"y{k}")
    return b.build()


def test_the_hash_sees_function_not_structure_and_cuts_latches(tmp_path):
    aig = counter_aig()
    data = {"names": {}, "designs": [{"suite": "itc99", "design": "b99x", "hash":
                                      functional_hash(aig)}]}
    optimised, _ = run_recipe(aig, "resyn2", RESYN2)
    assert optimised.num_latches == 3
    assert functional_hash(optimised) == functional_hash(aig)
    # outputs in another order hash alike; a changed next-state function does not
    swapped = optimised.with_names(output_names=["y2", "y1", "y0"])
    assert functional_hash(swapped) == functional_hash(aig)
    b = AigBuilder()
    en = b.add_input("en")
    q = [b.add_latch(f"q{k}") for k in range(3)]
    for k in range(3):
        b.set_latch_next(q[k], b.xor(q[k], en))
        b.add_output(q[k], f"y{k}")
    assert functional_hash(b.build()) != functional_hash(aig)
    with pytest.raises(TestOnlyError, match="1 test-only design"):
        check_training_corpus([("counter", optimised)], data)
    assert check_training_corpus([("counter", b.build()), ("name_only", None)], data) == 2


def test_the_generator_hashes_a_suite_folder(tmp_path):
    folder = tmp_path / "itc"
    folder.mkdir()
    (folder / "b01.v").write_text(ADDER_8BIT.replace("NAME", "b01"))
    (folder / "b02.v").write_text("module b02(input a output y); endmodule\n")  # bad Verilog
    data = hash_suites(None, folder, None, None, timeout=120.0, log=lambda *a: None)
    assert [d["design"] for d in data["designs"]] == ["b01"]
    assert data["designs"][0]["hash"] == functional_hash(
        synthesize_design(verilog("anything", ADDER_8BIT)))
    assert [f["design"] for f in data["failed"]] == ["b02"]
    assert list(data["sources"]) == ["itc99"]
