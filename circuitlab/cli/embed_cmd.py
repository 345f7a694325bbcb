"""Embed Verilog files with a frozen language model (MGVGA's text side).

Writes OUT.npz with ``tokens`` [F, M, D] (M pooled token embeddings per
file), ``vectors`` [F, D] (one sentence vector per file), ``files`` [F] (the
paths, in order) and ``model``. The default model is the shipped
all-MiniLM-L6-v2 (D = 384, no network); embeddings are cached on disk.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from circuitlab.cli.options import add_option
from circuitlab.errors import CircuitlabError
from circuitlab.fsutil import atomic_path, check_input_file, check_output_file
from circuitlab.llm import EmbedParams, make_embedder
from circuitlab.llm.pooling import MAX_POOLED_TOKENS
from circuitlab.progress import Progress, add_progress_option
from circuitlab.training.threads import uses_torch


def configure(parser: argparse.ArgumentParser) -> None:
    defaults = EmbedParams()
    parser.add_argument("files", nargs="+", metavar="DESIGN.v", help="Verilog files")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.npz",
                        help="output .npz file")
    add_option(parser, defaults, "model", metavar="NAME|DIR",
               help="a local model folder or a Hugging Face hub name (default: the shipped "
                    "all-MiniLM-L6-v2)")
    add_option(parser, defaults, "pooled_tokens", "--tokens", metavar="M",
               help=f"token embeddings kept per file (M, at most {MAX_POOLED_TOKENS})")
    add_option(parser, defaults, "pooling", help="sentence vector: mean, last or cls token")
    add_option(parser, defaults, "device", help="torch device, e.g. cpu or cuda")
    add_option(parser, defaults, "trust_remote_code", "--trust-remote-code",
               help="let transformers run the model's own code (gte-Qwen2 needs it)")
    add_option(parser, defaults, "use_cache", "--no-cache", help="neither read nor write the "
               "embedding cache")
    add_progress_option(parser)
    parser.set_defaults(func=run)


# control characters that no text file holds (tab, line and page breaks aside)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def verilog_text(path: Path) -> str:
    """The text of a Verilog file.

    Raises:
        CircuitlabError: naming ``path``: missing, empty, or binary (NUL
            bytes, or more than 1 % control characters or bytes that are not
            UTF-8 text).
    """
    check_input_file(path)
    data = path.read_bytes()
    if not data.strip():
        raise CircuitlabError(f"{path}: empty file, not Verilog text")
    text = data.decode("utf-8", errors="replace")
    odd = text.count("\ufffd") + len(_CONTROL.findall(text))
    if b"\0" in data or odd > len(text) // 100:
        raise CircuitlabError(f"{path}: binary data, not Verilog text")
    return text


@uses_torch
def run(args: argparse.Namespace) -> int:
    import numpy as np

    check_output_file(args.output, "-o")
    if not str(args.output).endswith(".npz"):
        raise CircuitlabError(f"-o {args.output}: must end in .npz")
    params = EmbedParams(model=args.model, pooled_tokens=args.pooled_tokens,
                         pooling=args.pooling, device=args.device, use_cache=args.use_cache,
                         trust_remote_code=args.trust_remote_code)
    texts = [verilog_text(Path(name)) for name in args.files]
    embedder = make_embedder(params)
    with Progress("embed", total=0, unit="window", enabled=not args.no_progress) as bar:
        inner = getattr(embedder, "inner", embedder)
        inner.progress = bar.set
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
