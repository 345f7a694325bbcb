"""Embed circuits with the pre-trained graph encoder (the shipped one by default).

FILE is .v/.sv (synthesised with Yosys first), .aig, .aag or .bench. Writes
OUT.npy, one graph-embedding row per file in order; with --nodes, OUT.npz
holding ``graphs`` [F, P], ``files`` [F] and ``nodes_<k>`` [N_k, H * K], the
node states of file k under each of the encoder's K code banks side by side.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from circuitlab.cli.options import add_design_options, add_option, design_params
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import atomic_path, check_input_file, check_output_file
from circuitlab.inference import EncodeParams, encode_aigs
from circuitlab.progress import Progress, add_progress_option
from circuitlab.synth.design import read_design
from circuitlab.training.threads import uses_torch


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="circuit or Verilog files")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="output: .npy (graph embeddings) or, with --nodes, .npz")
    parser.add_argument("--nodes", action="store_true",
                        help="also write every node's embedding (OUT must be .npz)")
    add_encoder_options(parser)
    add_progress_option(parser)
    parser.set_defaults(func=run)


def add_encoder_options(parser: argparse.ArgumentParser) -> None:
    """The options of :class:`~circuitlab.inference.EncodeParams` and of reading a design."""
    defaults = EncodeParams()
    add_option(parser, defaults, "checkpoint", metavar="FILE",
               help="pre-training checkpoint (default: the shipped encoder)")
    add_option(parser, defaults, "node_budget", metavar="N")
    add_design_options(parser)


def encode_params(args: argparse.Namespace):
    """The :class:`~circuitlab.inference.EncodeParams` the options ask for."""
    return EncodeParams(checkpoint=args.checkpoint, node_budget=args.node_budget)


@uses_torch
def run(args: argparse.Namespace) -> int:
    import numpy as np

    params = encode_params(args)
    reading = design_params(args)
    suffix = ".npz" if args.nodes else ".npy"
    check_output_file(args.output, "-o")
    if not str(args.output).endswith(suffix):
        raise CircuitlabError(f"-o {args.output}: must end in {suffix}"
                              + (" with --nodes" if args.nodes else ""))
    for name in args.files:
        check_input_file(name)
    # loads torch, torch_geometric: only when used
    from circuitlab.nn.pretrained import load_encoder
    encoder = load_encoder(params.checkpoint)
    show = not args.no_progress
    aigs = []
    with Progress("encode: reading", total=len(args.files), unit="file", enabled=show) as bar:
        for name in args.files:
            bar.note(Path(name).name)
            aigs.append(read_design(name, reading))
            bar.advance()
    rows, nodes = [], []
    with Progress("encode", total=len(aigs), unit="file", enabled=show) as bar:
        for name, aig in zip(args.files, aigs):  # each circuit is encoded alone anyway
            row, states = encode_aigs([aig], encoder, params.node_budget, [name], args.nodes)
            rows.append(row)
            nodes.extend(states or ())
            bar.advance()
    graphs = np.concatenate(rows)
    with atomic_path(args.output) as tmp:
        with open(tmp, "wb") as fh:
            if args.nodes:
                np.savez(fh, graphs=graphs, files=np.array(args.files),
                         **{f"nodes_{k}": x for k, x in enumerate(nodes)})
            else:
                np.save(fh, graphs)
    print(f"{args.output}: {graphs.shape[0]} files x {graphs.shape[1]} "
          f"({'shipped encoder' if params.checkpoint is None else params.checkpoint})")
    return 0
