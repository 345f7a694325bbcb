"""``circuitlab convert``: between AIGER (aig/aag), bench and truth tables."""

from __future__ import annotations

from circuitlab.io.formats import read_circuit, write_circuit


def add_parser(sub) -> None:
    p = sub.add_parser("convert", help="convert between .aig, .aag, .bench and .truth")
    p.add_argument("input")
    p.add_argument("output")
    p.set_defaults(func=run)


def run(args) -> int:
    aig = read_circuit(args.input)
    write_circuit(aig, args.output)
    print(f"{args.input} -> {args.output}: {aig.num_inputs} inputs, {aig.num_latches} latches, "
          f"{aig.num_ands} ANDs, {aig.num_outputs} outputs")
    return 0
