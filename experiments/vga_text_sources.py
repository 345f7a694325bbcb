"""Which text does VGA use? MGVGA pre-trained under several texts, each checked.

    python experiments/vga_text_sources.py [--sources A,B] [--seeds 0,1,2]
        [--steps N] [--threads 1] [--untrained]

For each text source and seed, pre-trains ``pretrain_default`` (MGM + VGA) on
data/designs minus train_encoder.py's HOLDOUT (each design's AIG and the AIGs
along one 10-step random recipe, as train_encoder.py builds them), every graph
carrying that source's tokens, then scores
:func:`circuitlab.pretrain.evaluate.text_check` on the 10 HOLDOUT designs
under the same source: masked-type accuracy with each design's own tokens,
another design's, and zeros. A decoder that reads its text scores higher
with its own. Sources:

- ``verilog-tokens``: the design file, MiniLM, M = 16 pooled tokens (the
  shipped config's text);
- ``verilog-sentence``: the design file, MiniLM, one sentence vector (M = 1);
- ``description-tokens``: the ``.txt`` description beside the design, MiniLM, M = 16;
- ``description-sentence``: the description, MiniLM, M = 1;
- ``description-hashed``: the description, :class:`~circuitlab.llm.HashEmbedder`
  (character 3-grams, 384 wide, M = 16), an embedder that knows words, not meaning.

``--untrained`` scores each run's untrained twin instead (the same config,
weights seeded by the seed, no training). One JSON line per (source, seed)
goes to ``experiments/results/vga_text_sources.jsonl``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from records import append_records, git_rev  # noqa: E402  experiments/records.py
from train_encoder import DESIGNS, HOLDOUT  # noqa: E402  the shipped encoder's held-out split

SOURCES = {
    "verilog-tokens": ("verilog", "minilm", 16),
    "verilog-sentence": ("verilog", "minilm", 1),
    "description-tokens": ("description", "minilm", 16),
    "description-sentence": ("description", "minilm", 1),
    "description-hashed": ("description", "hashed", 16),
}
"""Source name -> (the text field, the embedder, M pooled tokens)."""
HASHED_DIM = 384
RECORD = ROOT / "experiments" / "results" / "vga_text_sources.jsonl"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default=",".join(SOURCES),
                        help=f"comma-separated, of {', '.join(SOURCES)}")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, default=None,
                        help="pre-training steps (default: the config's)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: circuitlab.training.threads' rule)")
    parser.add_argument("--untrained", action="store_true",
                        help="score the untrained twin (same config, seeded weights) instead")
    parser.add_argument("--record", type=Path, default=RECORD)
    args = parser.parse_args(argv)
    sources = [s for s in args.sources.split(",") if s]
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        parser.error(f"unknown source {unknown[0]} (choose from {', '.join(SOURCES)})")
    seeds = [int(s) for s in args.seeds.split(",") if s]
    from circuitlab.training.threads import torch_threads
    with torch_threads(args.threads):
        return run(args, sources, seeds)


def tokens_of(graphs, source: str):
    """``graphs`` with ``source``'s text tokens."""
    from circuitlab.llm import EmbedParams, HashEmbedder
    from circuitlab.pretrain.corpus import attach_text_tokens

    field, embedder, m = SOURCES[source]
    if embedder == "hashed":
        return attach_text_tokens(graphs, embedder=HashEmbedder(HASHED_DIM, m), field=field)
    return attach_text_tokens(graphs, EmbedParams(pooled_tokens=m), field=field)


def run(args, sources: list[str], seeds: list[int]) -> int:
    import torch

    from circuitlab import config as config_file
    from circuitlab.pretrain import PretrainConfig, PretrainModel, pretrain
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
    from circuitlab.pretrain.evaluate import text_check, text_check_line
    from circuitlab.training.seeding import seed_everything

    base = PretrainConfig.load(config_file.resolve("pretrain_default"))
    steps = args.steps or base.steps
    commit = git_rev()
    held = verilog_corpus(DESIGNS, CorpusParams(), None, designs=HOLDOUT)
    for seed in seeds:
        corpus = CorpusParams(recipes=1, recipe_length=10, seed=seed)
        train = verilog_corpus(DESIGNS, corpus, None, exclude=HOLDOUT)
        for source in sources:
            _, _, m = SOURCES[source]
            graphs, held_graphs = tokens_of(train, source), tokens_of(held, source)
            width = graphs[0].text_tokens.shape[-1]
            config = base.with_overrides(
                ["--steps", str(steps), "--seed", str(seed), "--device", "cpu",
                 "--progress", "false", "--ckpt-interval", str(steps),
                 "--text-tokens", str(m), "--text-dim", str(width)])
            t0 = time.perf_counter()
            if args.untrained:
                seed_everything(seed)
                model = PretrainModel(config).eval()
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    model = pretrain(config, graphs, Path(tmp) / "run")["model"]
            train_s = time.perf_counter() - t0
            found = text_check(model, held_graphs)
            print(f"{source}, seed {seed} ({train_s:.0f} s): {text_check_line(found)}",
                  flush=True)
            record = {"source": source, "seed": seed, "untrained": args.untrained,
                      "steps": 0 if args.untrained else steps, **found,
                      "own_minus_shuffled": found["own"] - found["shuffled"],
                      "train_graphs": len(graphs), "train_seconds": round(train_s, 1),
                      "threads": torch.get_num_threads(), "git": commit}
            append_records(args.record, [record])
    return 0


if __name__ == "__main__":
    sys.exit(main())
