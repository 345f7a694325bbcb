"""Self-supervised pre-training of AIG encoders: MGM, VGA (MGVGA), GraphMAE and
functional objectives (equivalence contrast, signal probability, truth-table distance).

``pretrain(config, graphs, out_dir)`` trains a
:class:`~circuitlab.pretrain.PretrainModel` on a sequence of
:class:`~circuitlab.data.AigData` (for VGA each with ``text_tokens``
``[1, M, D]``, see :func:`with_text_tokens`) and writes a checkpoint from
which :func:`circuitlab.nn.load_encoder` returns the encoder in one call. Wu et al.,
"Circuit Representation Learning with Masked Gate Modeling and Verilog-AIG
Alignment", ICLR 2025, https://arxiv.org/abs/2502.12732.
"""

from circuitlab.pretrain.checkpoint import DEFAULT_CHECKPOINT, load_encoder, \
    load_pretrain_checkpoint, load_pretrain_model, save_weights
from circuitlab.pretrain.config import FUNCTIONAL, METHODS, OBJECTIVES, PretrainConfig
from circuitlab.pretrain.masking import random_node_mask
from circuitlab.pretrain.model import TEXT_TOKENS, PretrainModel, with_text_tokens
from circuitlab.pretrain.sampler import NodeBudgetBatchSampler
from circuitlab.pretrain.train import pretrain

__all__ = ["DEFAULT_CHECKPOINT", "FUNCTIONAL", "METHODS", "OBJECTIVES", "TEXT_TOKENS",
           "NodeBudgetBatchSampler",
           "PretrainConfig", "PretrainModel", "load_encoder", "load_pretrain_checkpoint",
           "load_pretrain_model",
           "pretrain", "random_node_mask", "save_weights", "with_text_tokens"]
