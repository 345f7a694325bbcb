"""Pre-train a graph encoder (MGM, VGA, MGVGA or GraphMAE) on a folder of circuits.

Usage: circuitlab pretrain [CONFIG] --out DIR [--graphs DIR] [--resume CKPT]
[--recipes R] [--text-model NAME] [--text verilog|description] [--key value
...]. CONFIG is a .toml or .json PretrainConfig, or the name of a config
shipped with circuitlab (pretrain_default, used when none is given;
pretrain_mgvga, pretrain_mgm, pretrain_graphmae); every key can be
overridden as --key value (--encoder.hidden 32, --steps 100; --help lists
them). --graphs (default:
the project's data/designs) holds circuits: .aig, .aag, .bench and .truth
files, and .v / .sv designs synthesised with Yosys. The text objectives
(vga, mgm+vga) need Verilog designs: each one's text is embedded by the LLM
embedder (text_tokens tokens; --text-model, default the shipped MiniLM, must
give text_dim wide vectors; --text description embeds the .txt beside each
design instead of its Verilog), and --recipes R adds the AIGs along R random
synthesis recipes of each design. The functional objectives (func, contrast,
prob, ttd and their combinations) build each design's views with their
simulation targets once, cached in DIR/views; --corpus ROOT adds the designs
of an RTL corpus (circuitlab dataset build rtl). --stream ROOT trains on a
built corpus instead (circuitlab dataset build rtl or recipes; each distinct
circuit once per epoch), read shard by shard and never held in memory, for
the methods whose targets come from the graph alone (mgm, graphmae, sim).
Writes DIR/checkpoint.pt, DIR/metrics.csv and DIR/metrics.png.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from circuitlab import config as config_file
from circuitlab.cli.config_keys import CONFIG_KEYS, add_config_keys, take_config_keys
from circuitlab.cli.options import add_design_options, design_params, map_field
from circuitlab.errors import CircuitlabError, ParamError
from circuitlab.llm.params import TEXT_SOURCES
from circuitlab.training.threads import uses_torch
from circuitlab.datasets.sources import folder_graphs
from circuitlab.fsutil import check_input_dir, check_input_file, check_output_dir
from circuitlab.pipeline import DEFAULT_DESIGNS

def configure(parser) -> None:
    parser.add_argument("config", metavar="CONFIG", nargs="?",
                        default=config_file.PRETRAIN_DEFAULT,
                        help="a .toml or .json pre-training config, or a shipped one: "
                             f"{', '.join(config_file.shipped_names())} (default: "
                             f"{config_file.PRETRAIN_DEFAULT})")
    parser.add_argument("--graphs", metavar="DIR", type=Path, default=DEFAULT_DESIGNS,
                        help="folder of circuit files or Verilog designs (default: "
                             "data/designs)")
    parser.add_argument("--recipes", metavar="R", type=int, default=None,
                        help="random recipes per Verilog design whose AIGs are added (text "
                             "methods; default: none)")
    parser.add_argument("--text-model", metavar="NAME|DIR", default=None,
                        help="LLM embedder model (default: the shipped all-MiniLM-L6-v2)")
    parser.add_argument("--text", choices=TEXT_SOURCES, default=None,
                        help="what the embedder reads of each design (text methods): its "
                             "verilog file or the .txt description beside it (default: "
                             f"{TEXT_SOURCES[0]})")
    parser.add_argument("--corpus", metavar="ROOT", type=Path, default=None,
                        help="RTL corpus whose designs are added (functional methods)")
    parser.add_argument("--stream", metavar="ROOT", type=Path, default=None,
                        help="train on the corpus built in ROOT, streamed (mgm, graphmae, sim; "
                             "in place of --graphs)")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True,
                        help="output folder")
    parser.add_argument("--resume", metavar="CKPT", type=Path,
                        help="checkpoint to continue from")
    map_field(parser, "recipes", "--recipes")
    map_field(parser, "text", "--text")
    add_design_options(parser)
    take_config_keys(parser, _add_keys)
    parser.usage = ("%(prog)s [CONFIG] --out DIR [--graphs DIR | --stream ROOT] [--recipes R] "
                    "[--corpus ROOT] "
                    "[--text-model NAME|DIR] [--text SOURCE] [--resume CKPT] [--top T] [-I DIR] "
                    "[-D NAME=VAL] [--KEY VALUE ...]")
    parser.set_defaults(func=run)


def _add_keys(parser) -> None:
    from circuitlab.pretrain.config import PretrainConfig  # imports the encoders: torch

    add_config_keys(parser, PretrainConfig.load(config_file.PRETRAIN_DEFAULT),
                    f"config keys (--key value; defaults: {config_file.PRETRAIN_DEFAULT})")


def check_inputs(args: argparse.Namespace) -> dict:
    """The config file's table, once every path the command reads or writes is checked."""

    raw = config_file.read_table(config_file.resolve(args.config))
    if args.stream is None and args.graphs == DEFAULT_DESIGNS and not DEFAULT_DESIGNS.is_dir():
        raise CircuitlabError(f"{DEFAULT_DESIGNS}: no such folder (the project's designs "
                              "come with its repository); pass --graphs DIR")
    if args.stream is not None:
        if args.graphs != DEFAULT_DESIGNS:
            raise ParamError("--stream", "trains on the corpus in place of --graphs; give one")
        check_input_dir(args.stream, "--stream")
    else:
        check_input_dir(args.graphs, "--graphs")
    if args.corpus is not None:
        check_input_dir(args.corpus, "--corpus")
    if args.resume is not None:
        check_input_file(args.resume, "--resume")
    check_output_dir(args.out, "--out")
    return raw


@uses_torch
def run(args: argparse.Namespace) -> int:
    raw = check_inputs(args)

    from circuitlab.pretrain import PretrainConfig, pretrain  # torch, once the inputs are good
    # loads torch, torch_geometric: only when used
    from circuitlab.pretrain.graphs import text_graphs
    from circuitlab.training.device import resolve_device

    path = config_file.resolve(args.config)
    try:
        config = PretrainConfig.from_dict(raw)
    except ParamError as exc:
        raise CircuitlabError(f"{path}: {exc}") from None
    config = config.with_overrides(getattr(args, CONFIG_KEYS))
    resolve_device(config.device)  # before the designs are synthesised and encoded
    if args.corpus is not None and (config.uses_text or not config.functional_objectives):
        raise ParamError("--corpus", "adds designs for the functional methods only (func, "
                         "func+mgm, contrast, prob, ttd, sim)")
    if args.stream is not None:
        graphs = _stream(args, config)
    elif config.uses_text:
        graphs = text_graphs(args.graphs, config, args.recipes, args.text_model,
                             label=f"--graphs {args.graphs}", text=args.text)
    else:
        if args.recipes:
            raise ParamError("--recipes", "adds graphs for the text methods only (vga, mgm+vga)")
        if args.text is not None:
            raise ParamError("--text", "chooses the text of the text methods only (vga, "
                             "mgm+vga)")
        if config.functional_objectives:
            graphs = _functional_graphs(args, config)
        else:
            graphs = folder_graphs(args.graphs, config.encoder.encoding, design_params(args))
    stats = pretrain(config, graphs, args.out, resume=args.resume)
    print(f"{stats['steps']} steps on {len(graphs)} graphs, loss {stats['loss']:.4f}, "
          f"{stats['graphs_per_s']:.1f} graphs/s; wrote {stats['checkpoint']} and "
          f"{stats['metrics']}", file=sys.stdout)
    return 0


def _stream(args: argparse.Namespace, config):
    """The corpus in --stream, for a method whose targets need nothing stored."""
    from circuitlab.datasets.stream import corpus_stream

    stored = config.stored_objectives
    if stored:
        raise ParamError("--stream", f"streams graphs without stored targets or text; the "
                         f"{stored[0]} objective needs them (stream mgm, graphmae or sim)")
    for option, value in (("--corpus", args.corpus), ("--recipes", args.recipes),
                          ("--text", args.text), ("--text-model", args.text_model)):
        if value is not None:
            raise ParamError(option, "does not apply to a streamed corpus (--stream)")
    return corpus_stream(args.stream, encoding=config.encoder.encoding, seed=config.seed)


def _functional_graphs(args: argparse.Namespace, config) -> list:
    """The functional views of --graphs' designs and --corpus's, cached in --out/views."""
    from circuitlab.datasets.rtl_corpus import rtl_corpus_aigs
    from circuitlab.datasets.test_only import screen
    from circuitlab.parallel import BuildOptions
    from circuitlab.pretrain.functional_corpus import (FunctionalSampleParams,
                                                       functional_training_graphs)
    from circuitlab.synth.design import list_designs, read_design

    params = design_params(args)
    designs = [(path.name, read_design(path, params)) for path in list_designs(args.graphs)]
    if args.corpus is not None:
        designs += rtl_corpus_aigs(args.corpus)
    # as the dataset builders do: test-only designs are left out and named
    refused = dict(screen(designs))
    for name, reason in refused.items():
        print(f"circuitlab pretrain: not training on {name}: it is the test-only {reason}",
              file=sys.stderr)
    designs = [(name, aig) for name, aig in designs if name not in refused]
    views = FunctionalSampleParams.of_config(config)
    return functional_training_graphs(designs, args.out / "views", views,
                                      BuildOptions(progress=config.progress))
