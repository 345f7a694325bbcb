"""Pre-train a graph encoder (MGM, VGA, MGVGA or GraphMAE) on a folder of circuits.

Usage: circuitlab pretrain CONFIG [--graphs DIR] --out DIR [--resume CKPT]
[--recipes R] [--text-model NAME] [--key value ...]. CONFIG is a .toml or
.json PretrainConfig (experiments/configs/pretrain_default.toml is the
project's); every key can be overridden as --key value (--encoder.hidden
32, --steps 100). --graphs (default: the project's data/designs) holds
circuits: .aig, .aag, .bench and .truth files, and .v / .sv designs
synthesised with Yosys. The text objectives (vga, mgm+vga) need Verilog
designs: each one's text is embedded by the LLM embedder (text_tokens
tokens; --text-model, default the shipped MiniLM, must give text_dim wide
vectors), and --recipes R adds the AIGs along R random synthesis recipes
of each design. Writes DIR/checkpoint.pt, DIR/metrics.csv and DIR/metrics.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.training.threads import uses_torch

OWN = ("--out", "--graphs", "--resume", "--recipes", "--text-model")
VERILOG = (".v", ".sv")


def configure(parser) -> None:
    parser.add_argument("config", metavar="CONFIG", help="a .toml or .json pre-training config")
    from circuitlab.pipeline import DEFAULT_DESIGNS
    parser.add_argument("--graphs", metavar="DIR", default=str(DEFAULT_DESIGNS),
                        help="folder of circuit files or Verilog designs (default: "
                             "data/designs)")
    parser.add_argument("--recipes", metavar="R", default="0",
                        help="random recipes per Verilog design whose AIGs are added (text "
                             "methods; default 0)")
    parser.add_argument("--text-model", metavar="NAME|DIR", default=None,
                        help="LLM embedder model (default: the shipped all-MiniLM-L6-v2)")
    parser.add_argument("--out", metavar="DIR", help="output folder (required)")
    parser.add_argument("--resume", metavar="CKPT", help="checkpoint to continue from")
    parser.add_argument("overrides", nargs=argparse.REMAINDER, metavar="--key value",
                        help="config overrides, e.g. --steps 100 --encoder.hidden 32")
    parser.set_defaults(func=run)


def split_own(args: argparse.Namespace) -> tuple[dict, list[str]]:
    """The command's own options and the config overrides, in any order."""
    own = {flag: getattr(args, flag[2:].replace("-", "_")) for flag in OWN}
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
    for flag in ("--out",):
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


def text_graphs(folder: Path, config, recipes: int, model: str | None) -> list:
    """The Verilog designs of ``folder`` with their LLM text tokens (``config``'s M and D)."""
    from circuitlab.llm import EmbedParams
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus

    if not folder.is_dir():
        raise CircuitlabError(f"--graphs {folder}: not a folder")
    others = sorted(p.name for p in folder.iterdir() if p.suffix in (".aig", ".aag", ".bench"))
    if others:
        raise CircuitlabError(f"--graphs {folder}: method {config.method} needs Verilog designs "
                              f"for their text; {others[0]} has none (use --method mgm or "
                              "graphmae)")
    graphs = verilog_corpus(folder, CorpusParams(encoding=config.encoder.encoding,
                                                 recipes=recipes),
                            EmbedParams(model=model, pooled_tokens=config.text_tokens))
    width = graphs[0].text_tokens.shape[-1]
    if width != config.text_dim:
        raise CircuitlabError(f"text_dim is {config.text_dim} but the embedder gives {width}-d "
                              f"tokens (set --text-dim {width} or another --text-model)")
    return graphs


@uses_torch
def run(args: argparse.Namespace) -> int:
    from circuitlab.pretrain import PretrainConfig, pretrain

    own, overrides = split_own(args)
    config = PretrainConfig.load(args.config).with_overrides(overrides)
    try:
        recipes = int(own["--recipes"])
    except ValueError:
        raise ParamError("--recipes", f"must be int, got {own['--recipes']!r}") from None
    if config.uses_text:
        graphs = text_graphs(Path(own["--graphs"]), config, recipes, own["--text-model"])
    else:
        if recipes:
            raise ParamError("--recipes", "adds graphs for the text methods only (vga, mgm+vga)")
        graphs = load_graphs(Path(own["--graphs"]), config.encoder.encoding)
    stats = pretrain(config, graphs, own["--out"], resume=own["--resume"])
    print(f"{stats['steps']} steps on {len(graphs)} graphs, loss {stats['loss']:.4f}, "
          f"{stats['graphs_per_s']:.1f} graphs/s; wrote {stats['checkpoint']} and "
          f"{stats['metrics']}", file=sys.stdout)
    return 0
