"""Embed Verilog files with a frozen language model (MGVGA's text side).

Writes OUT.npz with ``tokens`` [F, M, D] (M pooled token embeddings per
file), ``vectors`` [F, D] (one sentence vector per file), ``files`` [F] (the
paths, in order) and ``model``. The default model is the shipped
all-MiniLM-L6-v2 (D = 384, no network); embeddings are cached on disk.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from circuitlab.cli.options import add_option
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import check_output_file
from circuitlab.training.threads import uses_torch


def configure(parser: argparse.ArgumentParser) -> None:
    from circuitlab.llm import EmbedParams
    defaults = EmbedParams()
    parser.add_argument("files", nargs="+", metavar="DESIGN.v", help="Verilog files")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.npz",
                        help="output .npz file")
    add_option(parser, defaults, "model", metavar="NAME|DIR",
               help="a local model folder or a Hugging Face hub name (default: the shipped "
                    "all-MiniLM-L6-v2)")
    add_option(parser, defaults, "pooled_tokens", "--tokens", metavar="M",
               help="token embeddings kept per file (M)")
    add_option(parser, defaults, "pooling", help="sentence vector: mean, last or cls token")
    add_option(parser, defaults, "device", help="torch device, e.g. cpu or cuda")
    add_option(parser, defaults, "trust_remote_code", "--trust-remote-code",
               help="let transformers run the model's own code (gte-Qwen2 needs it)")
    add_option(parser, defaults, "use_cache", "--no-cache", help="neither read nor write the "
               "embedding cache")
    parser.set_defaults(func=run)


@uses_torch
def run(args: argparse.Namespace) -> int:
    import numpy as np

    from circuitlab.fsutil import atomic_path
    from circuitlab.llm import EmbedParams, make_embedder

    check_output_file(args.output, "-o")
    if not str(args.output).endswith(".npz"):
        raise CircuitlabError(f"-o {args.output}: must end in .npz")
    texts = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise CircuitlabError(f"{path}: no such file")
        texts.append(path.read_text(errors="replace"))
    params = EmbedParams(model=args.model, pooled_tokens=args.pooled_tokens,
                         pooling=args.pooling, device=args.device, use_cache=args.use_cache,
                         trust_remote_code=args.trust_remote_code)
    embedder = make_embedder(params)
    found = embedder.embed(texts)
    with atomic_path(args.output) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, tokens=np.stack([e.tokens for e in found]),
                     vectors=np.stack([e.vector for e in found]),
                     files=np.array(args.files), model=np.array(embedder.model_id))
    m, d = found[0].tokens.shape
    print(f"{args.output}: {len(found)} files, tokens [{len(found)}, {m}, {d}], "
          f"vectors [{len(found)}, {d}] ({embedder.model_id})")
    return 0
