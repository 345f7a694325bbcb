"""Pre-train a graph encoder (MGM or GraphMAE) on a folder of circuits.

Usage: circuitlab pretrain CONFIG --graphs DIR --out DIR [--resume CKPT]
[--key value ...]. CONFIG is a .toml or .json PretrainConfig; every key
can be overridden as --key value (--encoder.hidden 32, --steps 100). The
circuits are the .aig, .aag, .bench and .truth files of --graphs, and .v
/ .sv files synthesised with Yosys. Writes DIR/checkpoint.pt,
DIR/metrics.csv and DIR/metrics.png. The text objectives (vga, mgm+vga)
need LLM tokens per design, which this command does not compute.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from circuitlab.errors import CircuitlabError, ParamError

OWN = ("--out", "--graphs", "--resume")
VERILOG = (".v", ".sv")


def configure(parser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="a .toml or .json pre-training config")
    parser.add_argument("--graphs", metavar="DIR", help="folder of circuit files (required)")
    parser.add_argument("--out", metavar="DIR", help="output folder (required)")
    parser.add_argument("--resume", metavar="CKPT", help="checkpoint to continue from")
    parser.add_argument("overrides", nargs=argparse.REMAINDER, metavar="--key value",
                        help="config overrides, e.g. --steps 100 --encoder.hidden 32")
    parser.set_defaults(func=run)


def split_own(args: argparse.Namespace) -> tuple[dict, list[str]]:
    """The command's own options and the config overrides, in any order."""
    own = {flag: getattr(args, flag[2:]) for flag in OWN}
    rest, k = [], 0
    items = list(args.overrides)
    while k < len(items):
        flag, _, value = items[k].partition("=")
        if flag in OWN:
            if not value:
                if k + 1 >= len(items):
                    raise ParamError(flag, "needs a value")
                value, k = items[k + 1], k + 1
            own[flag] = value
        else:
            rest.append(items[k])
        k += 1
    for flag in ("--graphs", "--out"):
        if own[flag] is None:
            raise ParamError(flag, "is required")
    return own, rest


def load_graphs(folder: Path, encoding: str) -> list:
    """The circuits of ``folder`` (sorted by name) as AigData with a ``name``."""
    from circuitlab.data import to_pyg
    from circuitlab.io.formats import READ_SUFFIXES, read_circuit

    if not folder.is_dir():
        raise CircuitlabError(f"--graphs {folder}: not a folder")
    graphs = []
    for path in sorted(folder.iterdir()):
        if path.suffix in READ_SUFFIXES:
            aig = read_circuit(path)
        elif path.suffix in VERILOG:
            from circuitlab.synth import synthesize
            aig = synthesize(path)
        else:
            continue
        graph = to_pyg(aig, encoding)
        graph.name = path.name
        graphs.append(graph)
    if not graphs:
        raise CircuitlabError(f"--graphs {folder}: no .aig, .aag, .bench, .truth or .v files")
    return graphs


def run(args: argparse.Namespace) -> int:
    from circuitlab.pretrain import PretrainConfig, pretrain

    own, overrides = split_own(args)
    config = PretrainConfig.load(args.config).with_overrides(overrides)
    if config.uses_text:
        raise CircuitlabError(f"method {config.method} needs LLM text tokens per design, which "
                              "this command does not compute; use --method mgm or graphmae")
    graphs = load_graphs(Path(own["--graphs"]), config.encoder.encoding)
    stats = pretrain(config, graphs, own["--out"], resume=own["--resume"])
    print(f"{stats['steps']} steps on {len(graphs)} graphs, loss {stats['loss']:.4f}, "
          f"{stats['graphs_per_s']:.1f} graphs/s; wrote {stats['checkpoint']} and "
          f"{stats['metrics']}", file=sys.stdout)
    return 0
