"""Cosine similarity of circuits' graph embeddings, for every pair of files given.

FILE is .v/.sv (synthesised with Yosys first), .aig, .aag or .bench. Each
circuit is embedded alone with the shipped encoder (or --checkpoint), and
each pair of files gets the cosine of their graph embeddings: the score of
the logic-equivalence task (circuitlab.tasks.equivalence). A high score
hints at similar circuits; it proves nothing (use ``circuitlab cec``).

Raw cosines of any two circuits sit near 1, so each pair also gets the
calibrated score of :mod:`circuitlab.tasks.calibration`: ``centred``, the
cosine after subtracting the mean embedding of the encoder's reference
(training) designs, about 0 for unrelated designs and 1 for equal
embeddings, and ``z``, how many deviations it lies above the centred cosine
of two unrelated reference designs. A checkpoint without a reference (any
but the shipped one) gets ``null`` for both.
"""

from __future__ import annotations

import argparse
import json

from circuitlab.cli.encode_cmd import add_encoder_options, encode_params
from circuitlab.cli.options import design_params
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_input_file
from circuitlab.training.threads import uses_torch
from circuitlab.inference import encode_aigs
from circuitlab.synth.design import read_design
from circuitlab.tasks.similarity import pairwise_cosine


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="two or more circuit or Verilog files")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of {a, b, cosine, centred, z} instead of a table")
    add_encoder_options(parser)
    parser.set_defaults(func=run)


@uses_torch
def run(args: argparse.Namespace) -> int:
    params = encode_params(args)
    reading = design_params(args)
    if len(args.files) < 2:
        raise CircuitlabError("give at least two files to compare")
    for name in args.files:
        check_input_file(name)
    # loads torch, torch_geometric: only when used
    from circuitlab.nn.pretrained import load_encoder
    from circuitlab.tasks.calibration import load_reference
    encoder = load_encoder(params.checkpoint)
    reference = load_reference(params.checkpoint)
    aigs = [read_design(name, reading) for name in args.files]
    graphs, _ = encode_aigs(aigs, encoder, params.node_budget, args.files)
    cosine = pairwise_cosine(graphs)
    centred = reference.pairwise(graphs) if reference is not None else None
    rows = [(args.files[i], args.files[j], float(cosine[i, j]),
             None if centred is None else float(centred[i, j]),
             None if centred is None else float(reference.z(centred[i, j])))
            for i in range(len(args.files)) for j in range(i + 1, len(args.files))]
    if args.json:
        print(json.dumps([{"a": a, "b": b, "cosine": round(c, 6),
                           "centred": None if k is None else round(k, 6),
                           "z": None if z is None else round(z, 3)}
                          for a, b, c, k, z in rows], indent=1))
        return 0
    wa = max(len("A"), *(len(r[0]) for r in rows))
    wb = max(len("B"), *(len(r[1]) for r in rows))
    print(f"{'A':<{wa}}  {'B':<{wb}}  cosine    centred       z")
    for a, b, c, k, z in rows:
        tail = "        -       -" if k is None else f"{k:9.4f} {z:7.2f}"
        print(f"{a:<{wa}}  {b:<{wb}}  {c:.6f}{tail}")
    if reference is None:
        print("no similarity reference for this checkpoint: centred and z are not available")
    else:
        print(f"centred: cosine after centring on {len(reference.designs)} reference designs "
              f"(unrelated pairs: raw cosine {reference.raw_unrelated:.3f}, centred "
              f"{reference.unrelated_mean:.3f} ± {reference.unrelated_std:.3f} sd); "
              "z: deviations above an unrelated pair")
    return 0
