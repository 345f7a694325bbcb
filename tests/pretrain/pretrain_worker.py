"""Run a tiny pre-training in its own process (for the resume and torchrun tests).

Usage: python pretrain_worker.py OUT_DIR [--resume CKPT]. Writes OUT_DIR's
checkpoint and metrics, and OUT_DIR/params_rank<r>.pt: the flat parameters
of this rank after training.
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from pretrain_graphs import tiny_graphs  # noqa: E402

from circuitlab.nn import EncoderConfig  # noqa: E402
from circuitlab.pretrain import PretrainConfig, pretrain  # noqa: E402

CONFIG = PretrainConfig(encoder=EncoderConfig(hidden=16, layers=2, dropout=0.1),
                        method="mgm+vga", text_dim=8, text_tokens=2, cross_heads=4,
                        cross_layers=1, steps=20, warmup_steps=3, node_budget=150,
                        log_interval=1, ckpt_interval=10, progress=False)


def graphs():
    return tiny_graphs(16, seed=4, text_dim=8, text_tokens=2)


def main() -> None:
    torch.set_num_threads(1)
    out = Path(sys.argv[1])
    resume = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--resume" else None
    stats = pretrain(CONFIG, graphs(), out, resume=resume)
    flat = torch.cat([p.detach().flatten() for p in stats["model"].parameters()])
    rank = int(__import__("os").environ.get("RANK", "0"))
    torch.save(flat, out / f"params_rank{rank}.pt")


if __name__ == "__main__":
    main()
