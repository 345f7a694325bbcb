"""Does VGA read its text? Masked-type accuracy with own, another design's and zero tokens.

    python experiments/vga_text_check.py [--checkpoint FILE]

Scores :func:`circuitlab.pretrain.evaluate.text_check` on the 10 HOLDOUT
designs of train_encoder.py (each design's synthesised AIG with its MiniLM
tokens, the shipped embedder's defaults), for the checkpoint (default: the
shipped encoder's) and for an untrained model of the same config (seed 0).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "experiments"))

from train_encoder import DESIGNS, HOLDOUT  # noqa: E402  the shipped encoder's held-out split


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=None)
    args = parser.parse_args(argv)
    from circuitlab.training.threads import torch_threads
    with torch_threads(None):
        from circuitlab.llm import EmbedParams
        from circuitlab.pretrain import PretrainModel
        from circuitlab.pretrain.checkpoint import load_pretrain_model
        from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus
        from circuitlab.pretrain.evaluate import text_check, text_check_line
        from circuitlab.training.seeding import seed_everything

        model = load_pretrain_model(args.checkpoint)
        held = verilog_corpus(DESIGNS, CorpusParams(encoding=model.config.encoder.encoding),
                              EmbedParams(pooled_tokens=model.config.text_tokens),
                              designs=HOLDOUT)
        label = args.checkpoint or "shipped encoder"
        print(f"{label}: " + text_check_line(text_check(model, held)))
        seed_everything(0)
        print("untrained, same config: " + text_check_line(
            text_check(PretrainModel(model.config).eval(), held)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
