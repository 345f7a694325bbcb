"""A folder of Verilog designs as pre-training graphs carrying their text tokens.

A folder of circuits without text: :func:`circuitlab.datasets.sources.folder_graphs`.
"""

from __future__ import annotations

from pathlib import Path

from circuitlab.errors import CircuitlabError
from circuitlab.llm import EmbedParams


def text_graphs(folder: Path, config, recipes: int | None = None, model: str | None = None,
                label: str | None = None, text: str | None = None) -> list:
    """The Verilog designs of ``folder`` with their LLM text tokens (``config``'s M and D).

    ``recipes`` (``None``: :class:`~circuitlab.pretrain.corpus.CorpusParams`'
    default) adds the AIGs along that many random recipes of each design;
    ``model`` names the embedder (``None``: the shipped one); ``text`` is
    which text of each design it embeds (``None``: ``CorpusParams``' default,
    the Verilog).

    Raises:
        CircuitlabError: ``folder`` (named ``label``) is not a folder or holds
            circuit files without text; the embedder's width is not
            ``config.text_dim``.
    """
    # loads torch, torch_geometric: only when used
    from circuitlab.pretrain.corpus import CorpusParams, verilog_corpus

    label = label or str(folder)
    if not folder.is_dir():
        raise CircuitlabError(f"{label}: not a folder")
    others = sorted(p.name for p in folder.iterdir() if p.suffix in (".aig", ".aag", ".bench"))
    if others:
        raise CircuitlabError(f"{label}: method {config.method} needs Verilog designs "
                              f"for their text; {others[0]} has none (use --method mgm or "
                              "graphmae)")
    more = {} if recipes is None else {"recipes": recipes}
    if text is not None:
        more["text"] = text
    graphs = verilog_corpus(folder, CorpusParams(encoding=config.encoder.encoding, **more),
                            EmbedParams(model=model, pooled_tokens=config.text_tokens))
    width = graphs[0].text_tokens.shape[-1]
    if width != config.text_dim:
        raise CircuitlabError(f"text_dim is {config.text_dim} but the embedder gives {width}-d "
                              f"tokens (set --text-dim {width} or another --text-model)")
    return graphs
