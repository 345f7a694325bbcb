"""Pre-train a graph encoder (MGM, VGA, MGVGA or GraphMAE) on a folder of circuits.

Usage: circuitlab pretrain [CONFIG] --out DIR [--graphs DIR] [--resume CKPT]
[--recipes R] [--text-model NAME] [--key value ...]. CONFIG is a .toml or
.json PretrainConfig, or the name of a config shipped with circuitlab
(pretrain_default, used when none is given; pretrain_mgvga, pretrain_mgm,
pretrain_graphmae); every key can be overridden as --key value
(--encoder.hidden 32, --steps 100; --help lists them). --graphs (default:
the project's data/designs) holds circuits: .aig, .aag, .bench and .truth
files, and .v / .sv designs synthesised with Yosys. The text objectives
(vga, mgm+vga) need Verilog designs: each one's text is embedded by the LLM
embedder (text_tokens tokens; --text-model, default the shipped MiniLM, must
give text_dim wide vectors), and --recipes R adds the AIGs along R random
synthesis recipes of each design. Writes DIR/checkpoint.pt, DIR/metrics.csv
and DIR/metrics.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from circuitlab import config as config_file
from circuitlab.cli.options import CONFIG_KEYS, add_config_keys, map_field, take_config_keys
from circuitlab.errors import CircuitlabError, ParamError

VERILOG = (".v", ".sv")


def configure(parser) -> None:
    parser.add_argument("config", metavar="CONFIG", nargs="?",
                        default=config_file.PRETRAIN_DEFAULT,
                        help="a .toml or .json pre-training config, or a shipped one: "
                             f"{', '.join(config_file.shipped_names())} (default: "
                             f"{config_file.PRETRAIN_DEFAULT})")
    from circuitlab.pipeline import DEFAULT_DESIGNS
    parser.add_argument("--graphs", metavar="DIR", type=Path, default=DEFAULT_DESIGNS,
                        help="folder of circuit files or Verilog designs (default: "
                             "data/designs)")
    parser.add_argument("--recipes", metavar="R", type=int, default=None,
                        help="random recipes per Verilog design whose AIGs are added (text "
                             "methods; default: none)")
    parser.add_argument("--text-model", metavar="NAME|DIR", default=None,
                        help="LLM embedder model (default: the shipped all-MiniLM-L6-v2)")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True,
                        help="output folder")
    parser.add_argument("--resume", metavar="CKPT", type=Path,
                        help="checkpoint to continue from")
    map_field(parser, "recipes", "--recipes")
    take_config_keys(parser, _add_keys)
    parser.usage = ("%(prog)s [CONFIG] --out DIR [--graphs DIR] [--recipes R] "
                    "[--text-model NAME|DIR] [--resume CKPT] [--KEY VALUE ...]")
    parser.set_defaults(func=run)


def _add_keys(parser) -> None:
    from circuitlab.pretrain.config import PretrainConfig  # imports the encoders: torch

    add_config_keys(parser, PretrainConfig.load(config_file.PRETRAIN_DEFAULT),
                    f"config keys (--key value; defaults: {config_file.PRETRAIN_DEFAULT})")


def check_inputs(args: argparse.Namespace) -> dict:
    """The config file's table, once every path the command reads or writes is checked."""
    from circuitlab.fsutil import check_input_dir, check_input_file, check_output_dir

    raw = config_file.read_table(config_file.resolve(args.config))
    check_input_dir(args.graphs, "--graphs")
    if args.resume is not None:
        check_input_file(args.resume, "--resume")
    check_output_dir(args.out, "--out")
    return raw


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


def text_graphs(folder: Path, config, recipes: int | None, model: str | None) -> list:
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
    more = {} if recipes is None else {"recipes": recipes}
    graphs = verilog_corpus(folder, CorpusParams(encoding=config.encoder.encoding, **more),
                            EmbedParams(model=model, pooled_tokens=config.text_tokens))
    width = graphs[0].text_tokens.shape[-1]
    if width != config.text_dim:
        raise CircuitlabError(f"text_dim is {config.text_dim} but the embedder gives {width}-d "
                              f"tokens (set --text-dim {width} or another --text-model)")
    return graphs


def run(args: argparse.Namespace) -> int:
    raw = check_inputs(args)

    from circuitlab.pretrain import PretrainConfig, pretrain  # torch, once the inputs are good

    path = config_file.resolve(args.config)
    try:
        config = PretrainConfig.from_dict(raw)
    except ParamError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None
    config = config.with_overrides(getattr(args, CONFIG_KEYS))
    if config.uses_text:
        graphs = text_graphs(args.graphs, config, args.recipes, args.text_model)
    else:
        if args.recipes:
            raise ParamError("--recipes", "adds graphs for the text methods only (vga, mgm+vga)")
        graphs = load_graphs(args.graphs, config.encoder.encoding)
    stats = pretrain(config, graphs, args.out, resume=args.resume)
    print(f"{stats['steps']} steps on {len(graphs)} graphs, loss {stats['loss']:.4f}, "
          f"{stats['graphs_per_s']:.1f} graphs/s; wrote {stats['checkpoint']} and "
          f"{stats['metrics']}", file=sys.stdout)
    return 0
