"""Small source folders for the dataset tests."""

from __future__ import annotations

from pathlib import Path

from circuitlab.aig import Aig, AigBuilder
from circuitlab.io import write_aiger

AND2 = "module and2(input a, input b, output y);\n  assign y = a & b;\nendmodule\n"
ADDER = ("module add3(input [2:0] a, input [2:0] b, output [3:0] s);\n"
         "  assign s = a + b;\nendmodule\n")
# a child and its parent: the top is the module no one instantiates
HIER = ("module inv(input x, output y); assign y = ~x; endmodule\n"
        "module wrap(input p, output q); inv u(.x(p), .y(q)); endmodule\n")
BROKEN = "module broken(input a, output y);\n  assign y = a &;\nendmodule\n"


def verilog_folder(folder: Path, broken: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "and2.v").write_text(AND2)
    (folder / "and2.txt").write_text("A two-input AND gate.\n")
    (folder / "add3.v").write_text(ADDER)
    (folder / "wrap.v").write_text(HIER)
    if broken:
        (folder / "broken.v").write_text(BROKEN)
    return folder


def adder(bits: int) -> Aig:
    """A ripple-carry adder: enough logic for recipes to change something."""
    b = AigBuilder()
    xs, ys = b.add_inputs(bits, "x"), b.add_inputs(bits, "y")
    carry = 0
    for x, y in zip(xs, ys):
        b.add_output(b.xor(b.xor(x, y), carry))
        carry = b.or_(b.and_(x, y), b.and_(carry, b.xor(x, y)))
    b.add_output(carry)
    return b.build()


def aiger_folder(folder: Path, malformed: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_aiger(adder(3), folder / "add3.aag", binary=False)
    write_aiger(adder(4), folder / "add4.aig")
    if malformed:
        (folder / "bad.aag").write_text("aag 3 2 0 1\n2\n")
    return folder
