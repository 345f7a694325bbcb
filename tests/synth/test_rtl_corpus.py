"""The VerilogEval reference designs through the Yosys front end (slow suite).

Six references describe FSMs whose ``always_comb`` block infers a latch,
which Yosys rejects; every other design must synthesise.
"""

import pytest

from circuitlab.errors import SynthesisError
from circuitlab.synth import synthesize
from shared_data import shared_data

LATCH_INFERRING = {"Prob095_review2015_fsmshift", "Prob096_review2015_fsmseq",
                   "Prob137_fsm_serial", "Prob146_fsm_serialdata", "Prob152_lemmings3",
                   "Prob155_lemmings4"}


@pytest.mark.slow
def test_verilogeval_references_synthesise():
    folder = shared_data("verilog", "verilogeval")
    refs = sorted(folder.glob("*_ref.sv"))
    assert len(refs) == 156
    failed = {}
    for path in refs:
        try:
            aig = synthesize([path], top="RefModule", timeout=300)
        except SynthesisError as exc:
            failed[path.name.removesuffix("_ref.sv")] = str(exc)
            continue
        assert aig.num_outputs > 0, path.name
    assert set(failed) == LATCH_INFERRING, sorted(failed)
    for name, message in failed.items():
        assert "Latch inferred" in message and f"{name}_ref.sv" in message
