"""Cosine similarity of circuits' graph embeddings, for every pair of files given.

FILE is .v/.sv (synthesised with Yosys first), .aig, .aag or .bench. Each
circuit is embedded alone with the shipped encoder (or --checkpoint), and
each pair of files gets the cosine of their graph embeddings: the score of
the logic-equivalence task (circuitlab.tasks.equivalence). A high score
hints at similar circuits; it proves nothing (use ``circuitlab cec``).
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
                        help="print a JSON list of {a, b, cosine} instead of a table")
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
    encoder = load_encoder(params.checkpoint)
    aigs = [read_design(name, reading) for name in args.files]
    graphs, _ = encode_aigs(aigs, encoder, params.node_budget, args.files)
    cosine = pairwise_cosine(graphs)
    rows = [(args.files[i], args.files[j], float(cosine[i, j]))
            for i in range(len(args.files)) for j in range(i + 1, len(args.files))]
    if args.json:
        print(json.dumps([{"a": a, "b": b, "cosine": round(c, 6)} for a, b, c in rows], indent=1))
        return 0
    wa = max(len("A"), *(len(a) for a, _, _ in rows))
    wb = max(len("B"), *(len(b) for _, b, _ in rows))
    print(f"{'A':<{wa}}  {'B':<{wb}}  cosine")
    for a, b, c in rows:
        print(f"{a:<{wa}}  {b:<{wb}}  {c:.6f}")
    return 0
